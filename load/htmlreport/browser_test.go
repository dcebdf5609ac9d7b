package htmlreport

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"paycert/load"
	"paycert/reports/browsertest"
)

// TestPageInBrowser opens the load page from disk in headless Chromium: no
// console error, the verdict is the body's first element, and on screen
// the top of the page is the verdict's banner in its colour.
func TestPageInBrowser(t *testing.T) {
	bin := browsertest.Chromium(t)
	dir := t.TempDir()
	res := filepath.Join(dir, "ipos.bin")
	writeRun(t, res, []string{"ipos-verify"}, 600, 5*time.Millisecond, func(i int) bool { return i%3 == 0 },
		&load.Meta{Scenario: "ipos-verify", Rate: 200, Duration: "3s", Target: "http://10.1.2.3:8081/", Version: "test",
			Command: []string{"paycert", "load", "ipos-verify"}, Result: &load.RunResult{Ledger: "ok", Checked: 20}})
	page := filepath.Join(dir, "load.html")
	if err := os.WriteFile(page, []byte(render(t, res)), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page

	dom, logs := browsertest.Run(t, bin, "--dump-dom", url)
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "CONSOLE") && (strings.Contains(line, "Uncaught") || strings.Contains(line, "Error")) {
			t.Errorf("console error: %s", line)
		}
	}
	i := strings.Index(dom, "<body>")
	if i < 0 {
		t.Fatalf("no body in the rendered DOM:\n%.500s", dom)
	}
	if first := strings.TrimSpace(dom[i+len("<body>"):]); !strings.HasPrefix(first, `<div id="verdict" class="verdict breach">SLO BREACHED`) {
		t.Errorf("the rendered page does not begin with the verdict:\n%.300s", first)
	}

	shot := filepath.Join(dir, "shot.png")
	browsertest.Run(t, bin, "--screenshot="+shot, "--window-size=1400,900", "--hide-scrollbars", url)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// The breach banner's background (#fde2a7) fills the top of the page.
	top, below := 0, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r>>8, 0xfd) && near(g>>8, 0xe2) && near(bl>>8, 0xa7) {
				if y < 100 {
					top++
				} else {
					below++
				}
			}
		}
	}
	if top < 20000 {
		t.Errorf("%d banner pixels in the top 100 px (%d below): the verdict is not what the page shows first", top, below)
	}
}

func near(a, b uint32) bool { return a+3 >= b && a <= b+3 }
