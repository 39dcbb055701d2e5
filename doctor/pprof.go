package doctor

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Goroutines counts the goroutines of a Go process by what net/http has
// them doing, read from its goroutine profile.
type Goroutines struct {
	// Total is every goroutine of the process.
	Total int `json:"total"`
	// ReadLoops and WriteLoops are net/http.(*persistConn).readLoop and
	// writeLoop: one each per client connection a Transport holds.
	ReadLoops  int `json:"read_loops"`
	WriteLoops int `json:"write_loops"`
	// PeekingReadLoops are read loops waiting for the next response
	// (bufio.Reader.Peek): idle in a pool, or a request in flight. The
	// others wait for a response body to be read to its end or closed.
	PeekingReadLoops int `json:"peeking_read_loops"`
	// RoundTrips are requests waiting for their response
	// (net/http.(*persistConn).roundTrip).
	RoundTrips int `json:"round_trips"`
	// ServerConns are server connections (net/http.(*conn).serve).
	ServerConns int `json:"server_conns"`
	// BodyReads are goroutines blocked reading a request or response body.
	BodyReads int `json:"body_reads"`
	// Dials are Transport dials in progress (net/http.(*Transport).dialConn).
	Dials int `json:"dials"`
}

// IdleReadLoops estimates the read loops of idle pooled connections: those
// waiting for a response, less the requests in flight.
func (g Goroutines) IdleReadLoops() int { return max(0, g.PeekingReadLoops-g.RoundTrips) }

// maxProfile bounds a goroutine profile read. The debug=1 form groups
// goroutines by stack, so its size follows the number of distinct stacks;
// the debug=2 form (which a PprofURL may ask for) writes every goroutine
// with its stack, about a kilobyte each for net/http's connection
// goroutines, so 100,000 of them pass the bound. A profile longer than
// this is an error, not a silently low count. A variable for the tests.
var maxProfile int64 = 64 << 20

// goroutineReader fetches the goroutine profile of the watched process,
// over one kept-alive connection so that reading it adds no churn.
type goroutineReader struct {
	url      string
	client   *http.Client
	tr       *http.Transport
	failures int
	lastErr  string
}

// newGoroutineReader checks that cfg.PprofURL answers with a goroutine
// profile before the watch starts.
func newGoroutineReader(ctx context.Context, cfg Config) (*goroutineReader, error) {
	u, err := goroutineURL(cfg.PprofURL)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 1, DialContext: (&net.Dialer{Timeout: cfg.PprofTimeout}).DialContext}
	gr := &goroutineReader{url: u, tr: tr, client: &http.Client{Transport: tr, Timeout: cfg.PprofTimeout}}
	if _, err := gr.read(ctx); err != nil {
		gr.close()
		return nil, err
	}
	return gr, nil
}

func (gr *goroutineReader) close() { gr.tr.CloseIdleConnections() }

func (gr *goroutineReader) failed(err error) {
	gr.failures++
	gr.lastErr = err.Error()
}

// read fetches and parses the profile once.
func (gr *goroutineReader) read(ctx context.Context) (*Goroutines, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, gr.url, nil)
	if err != nil {
		return nil, fmt.Errorf("goroutine profile %s: %w", gr.url, err)
	}
	resp, err := gr.client.Do(req)
	if err != nil {
		return nil, describeFetch(gr.url, err)
	}
	defer resp.Body.Close()
	// One byte past the limit tells a profile the limit cut from one that
	// fits exactly.
	body := &countingReader{r: io.LimitReader(resp.Body, maxProfile+1)}
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, body)
		return nil, fmt.Errorf("goroutine profile %s: %s: not net/http/pprof; is it served on this port and path (import _ \"net/http/pprof\")?", gr.url, resp.Status)
	}
	g, err := parseGoroutines(body)
	io.Copy(io.Discard, body) // to EOF, so the connection is reused
	if body.n > maxProfile {
		return nil, fmt.Errorf("goroutine profile %s: longer than the limit of %d bytes, and a cut profile would count too few goroutines; ask for debug=1 (goroutines grouped by stack), which stays far shorter than debug=2", gr.url, maxProfile)
	}
	if err != nil {
		return nil, fmt.Errorf("goroutine profile %s: %w", gr.url, err)
	}
	return &g, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func describeFetch(url string, err error) error {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("goroutine profile %s: no answer in time (%v); is the process serving net/http/pprof there, or stopped?", url, err)
	case errors.Is(err, context.Canceled):
		return err
	}
	return fmt.Errorf("goroutine profile %s: %v; is the process serving net/http/pprof on that address?", url, err)
}

// parseGoroutines reads a goroutine profile in its text forms: debug=1
// ("goroutine profile: total N", then "N @ pc..." and "#\tpc\tfunc+off"
// lines per distinct stack) or debug=2 ("goroutine N [state]:" and one
// "func(args)" line per frame, per goroutine).
func parseGoroutines(r io.Reader) (Goroutines, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var g Goroutines
	if !sc.Scan() {
		return g, fmt.Errorf("empty answer: not a goroutine profile")
	}
	first := sc.Text()
	debug1 := strings.HasPrefix(first, "goroutine profile: total ")
	if !debug1 && !strings.HasPrefix(first, "goroutine ") {
		return g, fmt.Errorf("answer starts %q: not a goroutine profile in text form (debug=1 or debug=2)", cut(first, 40))
	}
	st := stack{}
	if !debug1 {
		st.n = 1
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			st.add(&g)
			st = stack{}
		case debug1 && strings.Contains(line, " @ "):
			st.n, _ = strconv.Atoi(line[:strings.Index(line, " @ ")])
		case debug1 && strings.HasPrefix(line, "#\t"):
			if f := strings.Fields(line); len(f) >= 3 {
				st.funcs = append(st.funcs, trimOffset(f[2]))
			}
		case !debug1 && strings.HasPrefix(line, "goroutine "):
			st = stack{n: 1}
		case !debug1 && !strings.HasPrefix(line, "\t") && !strings.HasPrefix(line, "created by "):
			st.funcs = append(st.funcs, trimArgs(line))
		}
	}
	st.add(&g)
	if err := sc.Err(); err != nil {
		return g, fmt.Errorf("read: %w", err)
	}
	return g, nil
}

// stack is one stack of a profile and how many goroutines share it.
type stack struct {
	n     int
	funcs []string
}

func (s stack) has(f string) bool { return slices.Contains(s.funcs, f) }

// add counts the stack's goroutines by what they do.
func (s stack) add(g *Goroutines) {
	if s.n == 0 || len(s.funcs) == 0 {
		return
	}
	g.Total += s.n
	count := func(dst *int, funcs ...string) {
		for _, f := range funcs {
			if s.has(f) {
				*dst += s.n
				return
			}
		}
	}
	count(&g.ReadLoops, "net/http.(*persistConn).readLoop")
	if s.has("net/http.(*persistConn).readLoop") {
		count(&g.PeekingReadLoops, "bufio.(*Reader).Peek")
	}
	count(&g.WriteLoops, "net/http.(*persistConn).writeLoop")
	count(&g.RoundTrips, "net/http.(*persistConn).roundTrip")
	count(&g.ServerConns, "net/http.(*conn).serve")
	count(&g.BodyReads, "net/http.(*body).Read", "net/http.(*bodyEOFSignal).Read", "net/http.(*http2pipe).Read")
	count(&g.Dials, "net/http.(*Transport).dialConn")
}

// trimOffset drops the "+0x1c" of a debug=1 frame.
func trimOffset(f string) string {
	if i := strings.LastIndex(f, "+0x"); i > 0 {
		return f[:i]
	}
	return f
}

// trimArgs drops the "(0xc000123, ...)" of a debug=2 frame.
func trimArgs(f string) string {
	if i := strings.LastIndex(f, "("); i > 0 && strings.HasSuffix(f, ")") {
		return f[:i]
	}
	return f
}

func cut(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
