// Package browsertest runs the tools the HTML pages are checked with:
// Debian's headless Chromium (and poppler's pdftotext), as a person's
// browser would open a page from disk. CI installs them (.ci/run), so there
// a missing tool fails the test; elsewhere the test says why it skipped.
package browsertest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Chromium finds Debian's headless browser.
func Chromium(t testing.TB) string {
	t.Helper()
	return Tool(t, "chromium", "chromium", "chromium-browser", "google-chrome")
}

// Tool finds a program a browser check needs, by the Debian package that
// provides it.
func Tool(t testing.TB, pkg string, names ...string) string {
	t.Helper()
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed; .ci/run installs Debian's %s package for this test", names[0], pkg)
	}
	t.Skipf("%s not installed (apt-get install %s): the browser check did not run", names[0], pkg)
	return ""
}

// Run runs headless Chromium with args, with the flags a machine without
// network needs (no background fetches, a fresh profile), bounded to 90 s.
func Run(t testing.TB, bin string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
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
