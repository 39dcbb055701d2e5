package report_test

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/leaklab/leaklab/experiments"
	"github.com/leaklab/leaklab/experiments/experimentstest"
	"github.com/leaklab/leaklab/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromiumFlags run a headless Chromium that touches nothing outside the
// page: no network (every host resolves to nothing), no GPU, no sandbox
// (the tests run as root in CI), a throw-away profile added per run.
var chromiumFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars", "--virtual-time-budget=10000",
}

// chromium finds the browser, or skips the test saying how to get one.
// LEAKLAB_BROWSER=required (make test-browser) fails instead of skipping.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("LEAKLAB_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no headless browser: install Debian's chromium (apt-get install -y chromium) or set LEAKLAB_CHROMIUM to a Chromium binary"
	if os.Getenv("LEAKLAB_BROWSER") == "required" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// runChromium runs the browser on the page with extra flags and returns
// what it printed on stdout.
func runChromium(t *testing.T, bin, page string, extra ...string) string {
	t.Helper()
	profile, err := os.MkdirTemp("", "leaklab-chromium-")
	require.NoError(t, err)
	defer os.RemoveAll(profile) // Chromium may still be writing there: ignore errors
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append(append(append([]string{}, chromiumFlags...), "--user-data-dir="+profile), extra...)
	cmd := exec.CommandContext(ctx, bin, append(args, "file://"+page)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "chromium failed: %s", stderr.String())
	return stdout.String()
}

var checkLine = regexp.MustCompile(`id="leaklab-check"[^>]*data-charts="(\d+)" data-drawn="(\d+)" data-points="(\d+)"`)

// TestBrowserDrawsTheCharts opens the page in headless Chromium, reads
// back the line the page writes once ECharts has drawn (charts, charts
// with SVG paths, data points), and takes a screenshot in which the
// faulty red line and the fixed green line must show. LEAKLAB_SCREENSHOT
// names where to keep the screenshot.
func TestBrowserDrawsTheCharts(t *testing.T) {
	bin := chromium(t)
	page := filepath.Join(t.TempDir(), "report.html")
	require.NoError(t, report.Save(page, func(w io.Writer) error {
		return report.WriteHTML(w, experiments.Suite{experimentstest.Report()}, report.Options{})
	}))
	dom := runChromium(t, bin, page, "--dump-dom")
	m := checkLine.FindStringSubmatch(dom)
	require.NotNil(t, m, "the page's check line is missing from the DOM:\n%.2000s", dom)
	charts, drawn, points := atoi(t, m[1]), atoi(t, m[2]), atoi(t, m[3])
	assert.Equal(t, 4, charts, "ESTABLISHED, faulty by state, fixed by state, requests")
	assert.Equal(t, charts, drawn, "every chart has SVG paths")
	// ESTABLISHED: two variants and two two-point bound lines; faulty by
	// state: client and server ESTABLISHED; fixed: client ESTABLISHED and
	// TIME_WAIT, server ESTABLISHED and CLOSE_WAIT; requests: sent, in
	// flight and errors of both.
	n := experimentstest.Samples
	assert.Equal(t, 2*n+2*2+2*n+4*n+6*n, points)
	assert.Contains(t, dom, "<svg", "the SVG renderer drew")

	shot := os.Getenv("LEAKLAB_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "report.png")
	}
	runChromium(t, bin, page, "--screenshot="+shot, "--window-size=1200,1100")
	red, green := colouredPixels(t, shot)
	assert.Greater(t, red, 300, "the faulty line (red) shows in %s", shot)
	assert.Greater(t, green, 300, "the fixed line (green) shows in %s", shot)
}

// colouredPixels counts the pixels of the faulty red and the fixed green.
func colouredPixels(t *testing.T, path string) (red, green int) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err, "the screenshot is not a PNG")
	near := func(v uint32, want int) bool { d := int(v>>8) - want; return d > -30 && d < 30 }
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			switch {
			case near(r, 0xd6) && near(g, 0x27) && near(bl, 0x28):
				red++
			case near(r, 0x2c) && near(g, 0xa0) && near(bl, 0x2c):
				green++
			}
		}
	}
	return red, green
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}
