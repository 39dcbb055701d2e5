//go:build unix

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leaklab/leaklab/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// skipSubprocess skips the tests that start leaklab as a subprocess under
// -short.
func skipSubprocess(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts leaklab as a subprocess; skipped with -short")
	}
}

// slowHandler answers after delay, or when its client leaves.
func slowHandler(delay time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
			_, _ = io.WriteString(w, "ok\n")
		case <-r.Context().Done():
		}
	})
}

// testServer starts a slow loopback server for a leaklab client and
// returns its URL and port; it closes when the test ends.
func testServer(t *testing.T, delay time.Duration) (string, uint16) {
	t.Helper()
	srv := httptest.NewServer(slowHandler(delay))
	t.Cleanup(srv.Close)
	port, err := strconv.Atoi(srv.URL[strings.LastIndex(srv.URL, ":")+1:])
	require.NoError(t, err)
	return srv.URL + "/", uint16(port)
}

var (
	listeningLine = regexp.MustCompile(`listening on http://127\.0\.0\.1:(\d+)/`)
	statusLine    = regexp.MustCompile(`sent=\d+ ok=\d+ errors=(\d+)`)
	bannerLine    = regexp.MustCompile(`client -> http://`)
)

// TestServerStopsOnSignals stops leaklab server with SIGINT or SIGTERM
// at start and with requests in flight: it exits 128 plus the signal's
// number with its summary, lets
// the requests in flight finish, and leaves no socket ESTABLISHED.
func TestServerStopsOnSignals(t *testing.T) {
	skipSubprocess(t)
	cases := []struct {
		name     string
		sig      syscall.Signal
		inFlight int
	}{{"SIGINT at start", syscall.SIGINT, 0}, {"SIGTERM with requests in flight", syscall.SIGTERM, 3}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := startLeaklab(t, nil, "server", "-addr", "127.0.0.1:0", "-delay", "300ms", "-report-every", "50ms", "-shutdown-grace", "20s")
			port := parsePort(t, p.waitLine(t, &p.stdout, listeningLine)[1])
			answers := sendHeld(t, port, tc.inFlight)
			p.signal(t, tc.sig)
			require.Equal(t, 128+int(tc.sig), p.wait(t), p.stderr.String())
			for i := 0; i < tc.inFlight; i++ {
				assert.Equal(t, http.StatusOK, <-answers, "a request in flight at the signal is answered")
			}
			assert.Regexp(t, fmt.Sprintf(`summary: accepted \d+ connections, served %d requests`, tc.inFlight), p.stdout.String())
			assert.Contains(t, p.stderr.String(), "stopping; the summary follows")
			assertNoEstablished(t, port)
		})
	}
}

// sendHeld sends n requests that the server holds for a few seconds, and
// returns once the server has them all in flight; their status codes
// come on the channel.
func sendHeld(t *testing.T, port uint16, n int) <-chan int {
	t.Helper()
	codes := make(chan int, n)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := (&http.Client{Transport: tr, Timeout: exitTimeout}).Get(fmt.Sprintf("http://127.0.0.1:%d/?delay=5s", port))
			if err != nil {
				codes <- 0
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	if n > 0 {
		waitInFlight(t, port, n)
	}
	return codes
}

// waitInFlight polls the server's /stats until n requests are in flight.
func waitInFlight(t *testing.T, port uint16, n int) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	require.Eventually(t, func() bool {
		resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/stats", port))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var st struct {
			InFlight int `json:"in_flight"`
		}
		return json.NewDecoder(resp.Body).Decode(&st) == nil && st.InFlight >= n
	}, lineTimeout, 10*time.Millisecond, "%d requests in flight", n)
}

func parsePort(t *testing.T, s string) uint16 {
	t.Helper()
	port, err := strconv.ParseUint(s, 10, 16)
	require.NoError(t, err)
	return uint16(port)
}

// TestClientStopsOnSignals stops the faulty client at start and mid-run:
// it exits 128 plus the signal's number with its summary, releases what
// it leaked, and leaves no
// socket ESTABLISHED.
func TestClientStopsOnSignals(t *testing.T) {
	skipSubprocess(t)
	cases := []struct {
		name string
		sig  syscall.Signal
		at   *regexp.Regexp
	}{{"SIGINT at start", syscall.SIGINT, bannerLine}, {"SIGTERM mid-run", syscall.SIGTERM, statusLine}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url, port := testServer(t, 100*time.Millisecond)
			p := startLeaklab(t, nil, "client", "-mode", "faulty", "-target", url, "-interval", "20ms")
			p.waitLine(t, &p.stdout, tc.at)
			p.signal(t, tc.sig)
			require.Equal(t, 128+int(tc.sig), p.wait(t), p.stderr.String())
			out := p.stdout.String()
			assert.Contains(t, out, "summary: faulty sent")
			assert.Contains(t, out, "released: faulty client closed its connections")
			assertNoEstablished(t, port)
		})
	}
}

// TestSecondSignalQuitsAtOnce sends a second signal while the client
// waits for requests the server never answers: it quits at once with
// 128 plus the signal's number.
func TestSecondSignalQuitsAtOnce(t *testing.T) {
	skipSubprocess(t)
	url, port := testServer(t, time.Hour)
	p := startLeaklab(t, nil, "client", "-mode", "faulty", "-target", url, "-interval", "20ms", "-drain-timeout", "1h")
	p.waitLine(t, &p.stdout, bannerLine)
	p.signal(t, syscall.SIGINT)
	p.waitLine(t, &p.stderr, regexp.MustCompile("stopping; the summary follows"))
	p.signal(t, syscall.SIGTERM)
	assert.Equal(t, 128+int(syscall.SIGTERM), p.wait(t))
	assert.Contains(t, p.stderr.String(), "second signal, SIGTERM: quitting at once")
	assertNoEstablished(t, port)
}

// TestCompareStopsOnSignals interrupts leaklab compare at start and
// mid-run: it exits 128 plus the signal's number and still prints the
// whole run, marked interrupted,
// and its servers leave no socket ESTABLISHED.
func TestCompareStopsOnSignals(t *testing.T) {
	skipSubprocess(t)
	cases := []struct {
		name string
		sig  syscall.Signal
		at   *regexp.Regexp
	}{{"SIGINT at start", syscall.SIGINT, regexp.MustCompile(`running new-client-per-request`)},
		{"SIGTERM mid-run", syscall.SIGTERM, regexp.MustCompile(`(?m)^.*sent.*\n.*sent`)}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			saved := filepath.Join(t.TempDir(), "run.json")
			p := startLeaklab(t, nil, "compare", "-delay", "100ms", "-interval", "20ms", "-duration", "1m", "-chart=false", "-out", saved)
			p.waitLine(t, &p.stderr, tc.at)
			p.signal(t, tc.sig)
			require.Equal(t, 128+int(tc.sig), p.wait(t), p.stderr.String())
			assert.Contains(t, p.stdout.String(), "interrupted: the load stopped early")
			assert.Regexp(t, `│ faulty +│`, p.stdout.String(), "the table is printed")
			suite, err := report.Load(saved)
			require.NoError(t, err)
			require.Len(t, suite, 1)
			assert.True(t, suite[0].Interrupted)
			for _, v := range suite[0].Variants {
				assertNoEstablished(t, v.Port)
			}
		})
	}
}

// TestOnSignals drives the signal watch with an injected channel.
func TestOnSignals(t *testing.T) {
	sigs := make(chan os.Signal)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errOut syncBuffer
	quit := make(chan int, 1)
	stop := onSignals(sigs, cancel, &errOut, func(code int) { quit <- code })
	sigs <- os.Interrupt
	<-ctx.Done()
	assert.Contains(t, errOut.String(), "leaklab: SIGINT (Ctrl-C): stopping; the summary follows")
	sigs <- os.Interrupt
	assert.Equal(t, 130, <-quit)
	assert.Contains(t, errOut.String(), "second signal, SIGINT (Ctrl-C): quitting at once")
	assert.Equal(t, os.Interrupt, stop(), "stop returns the first signal")
}

// TestOnSignalsStops checks the watch ends with the command.
func TestOnSignalsStops(t *testing.T) {
	stop := onSignals(make(chan os.Signal), func() {}, io.Discard, func(int) { t.Error("quit called") })
	assert.Nil(t, stop(), "no signal came") // goleak in TestMain checks the watch goroutine is gone
}
