package reports

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromium finds Debian's headless browser. CI installs it (.ci/run), so
// there its absence is a failure; elsewhere the test says why it skipped.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; .ci/run installs Debian's chromium package for this test")
	}
	t.Skip("chromium not installed (apt-get install chromium): the browser check of the HTML report did not run")
	return ""
}

func runChromium(t *testing.T, bin string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, e.String())
	}
	return o.String(), e.String()
}

// TestReportRendersInBrowser loads the page from disk in headless Chromium:
// the script must run without console errors, and a screenshot must show
// the matrix's passed and failed cells.
func TestReportRendersInBrowser(t *testing.T) {
	bin := chromium(t)
	gr, in := fixture(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "index.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(f, Build(gr, in)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	url := "file://" + page

	dom, logs := runChromium(t, bin, "--dump-dom", url)
	if !strings.Contains(dom, `data-rendered="1"`) {
		t.Errorf("the page's script did not run to the end (no data-rendered=1 on body)")
	}
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "CONSOLE") && (strings.Contains(line, "Uncaught") || strings.Contains(line, "Error")) {
			t.Errorf("console error: %s", line)
		}
	}

	shot := filepath.Join(dir, "shot.png")
	if p := os.Getenv("PAYCERT_KEEP_SCREENSHOT"); p != "" {
		defer func() { b, _ := os.ReadFile(shot); _ = os.WriteFile(p, b, 0o644) }()
	}
	runChromium(t, bin, "--screenshot="+shot, "--window-size=1280,1600", "--hide-scrollbars", url)
	img, err := readPNG(shot)
	if err != nil {
		t.Fatal(err)
	}
	// Count pixels of the matrix's cell colours (.passed #c8efd2, .failed #f7c1bd).
	var passed, failed int
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			switch {
			case near(r, 0xc8) && near(g, 0xef) && near(bl, 0xd2):
				passed++
			case near(r, 0xf7) && near(g, 0xc1) && near(bl, 0xbd):
				failed++
			}
		}
	}
	if passed < 200 || failed < 200 {
		t.Errorf("screenshot shows %d passed-cell and %d failed-cell pixels; the matrix did not render", passed, failed)
	}
}

func near(a, b uint32) bool { return a+3 >= b && a <= b+3 }

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}
