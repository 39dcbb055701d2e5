package a

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
)

// --- true positives ---

type svc struct{ url string }

// A Transport built inside a method that sends one request.
func (s *svc) fetch() error {
	tr := &http.Transport{MaxIdleConns: 5} // want `http.Transport made for this call only`
	client := &http.Client{Transport: tr}
	resp, err := client.Get(s.url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// A Client with its own Transport made in an HTTP handler.
func handler(w http.ResponseWriter, r *http.Request) {
	c := &http.Client{Transport: &http.Transport{}} // want `http.Transport made for this call only`
	resp, err := c.Get("http://backend/")
	if err != nil {
		return
	}
	resp.Body.Close()
}

// A Clone of the default Transport per call.
func cloned(req *http.Request) (*http.Response, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone() // want `http.Transport made for this call only`
	return tr.RoundTrip(req)
}

// new(http.Transport), sent through a helper of this package.
func viaHelper(ctx context.Context, url string) error {
	c := &http.Client{Transport: new(http.Transport)} // want `http.Transport made for this call only`
	return get(ctx, c, url)
}

func get(ctx context.Context, c *http.Client, url string) error { // want get:`sends through params \[1\]`
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Made inside a loop: one per iteration.
func loop(urls []string) {
	for _, u := range urls {
		c := &http.Client{Transport: &http.Transport{}} // want `http.Transport made for this call only`
		if resp, err := c.Get(u); err == nil {
			resp.Body.Close()
		}
	}
}

// Made per request in a handler closure.
func register(mux *http.ServeMux) {
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		tr := &http.Transport{} // want `http.Transport made for this call only`
		if resp, err := (&http.Client{Transport: tr}).Get("http://backend/"); err == nil {
			resp.Body.Close()
		}
	})
}

// Kept in a slice for a later Close, still one per call.
type faulty struct{ transports []*http.Transport }

func (f *faulty) Do(url string) {
	tr := &http.Transport{} // want `http.Transport made for this call only`
	f.transports = append(f.transports, tr)
	c := &http.Client{Transport: tr}
	if resp, err := c.Get(url); err == nil {
		resp.Body.Close()
	}
}

// Made in main, but inside a loop.
func main() {
	for i := 0; i < 3; i++ {
		c := &http.Client{Transport: &http.Transport{}} // want `http.Transport made for this call only`
		if resp, err := c.Get("http://x/"); err == nil {
			resp.Body.Close()
		}
	}
}

// --- near-misses: must stay quiet ---

// A Transport built once in a constructor and kept in a struct.
type api struct{ client *http.Client }

func newAPI() *api {
	tr := &http.Transport{MaxIdleConnsPerHost: 8}
	return &api{client: &http.Client{Transport: tr}}
}

func (a *api) fetch(url string) error {
	resp, err := a.client.Get(url)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// A factory that returns a new client.
func newClient() *http.Client { // want newClient:`returns a new Transport at result 0`
	return &http.Client{Transport: &http.Transport{}}
}

// Stored in a field by a lazy initialiser.
type lazy struct{ tr *http.Transport }

func (l *lazy) get(req *http.Request) (*http.Response, error) {
	if l.tr == nil {
		l.tr = &http.Transport{}
	}
	return l.tr.RoundTrip(req)
}

// Stored in a package variable.
var shared *http.Transport

func setup(req *http.Request) {
	shared = &http.Transport{}
	shared.RoundTrip(req)
}

// One Transport made before the loop serves the whole loop.
func crawl(urls []string) {
	c := &http.Client{Transport: &http.Transport{}}
	for _, u := range urls {
		if resp, err := c.Get(u); err == nil {
			resp.Body.Close()
		}
	}
}

// Made, used, and cleaned up: no socket left behind.
func oneShot(url string) error {
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(url)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Passed down to a worker that loops: a long-lived client.
func serve(urls []string) {
	c := &http.Client{Transport: &http.Transport{}}
	work(c, urls)
}

func work(c *http.Client, urls []string) {
	for _, u := range urls {
		if resp, err := c.Get(u); err == nil {
			resp.Body.Close()
		}
	}
}

// Handed to a handler closure that runs per request: shared by them all.
func mux() *http.ServeMux {
	m := http.NewServeMux()
	c := &http.Client{Transport: &http.Transport{}}
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if resp, err := c.Get("http://backend/"); err == nil {
			resp.Body.Close()
		}
	})
	return m
}

// A client with the default Transport: nothing made per call.
func defaults(url string) {
	c := &http.Client{}
	if resp, err := c.Get(url); err == nil {
		resp.Body.Close()
	}
}

// Made per call on purpose, and said so.
func allowed(url string) {
	//leaklab:allow transportpercall a one-off probe with its own settings
	c := &http.Client{Transport: &http.Transport{}}
	if resp, err := c.Get(url); err == nil {
		resp.Body.Close()
	}
}

// An allow comment without a reason allows nothing.
func noReason(url string) {
	//leaklab:allow transportpercall
	c := &http.Client{Transport: &http.Transport{}} // want `http.Transport made for this call only`
	if resp, err := c.Get(url); err == nil {
		resp.Body.Close()
	}
}

// A Client value, not a pointer, still holds the Transport.
func value(url string) {
	c := http.Client{Transport: &http.Transport{}} // want `http.Transport made for this call only`
	if resp, err := c.Get(url); err == nil {
		resp.Body.Close()
	}
}

// Sent from a goroutine started per call: still per call.
func async(url string, done chan<- struct{}) {
	c := &http.Client{Transport: &http.Transport{}} // want `http.Transport made for this call only`
	go func() {
		if resp, err := c.Get(url); err == nil {
			resp.Body.Close()
		}
		close(done)
	}()
}

// Handed to a wrapper of another package: it may keep it.
func wrapped(url string, wrap func(http.RoundTripper) http.RoundTripper) {
	c := &http.Client{Transport: wrap(&http.Transport{})}
	if resp, err := c.Get(url); err == nil {
		resp.Body.Close()
	}
}

// Made once per program by sync.OnceValue's function.
var client = sync.OnceValue(func() *http.Client {
	return &http.Client{Transport: &http.Transport{}}
})

// A factory called per call, its client dropped after one request.
func (s *svc) viaFactory() {
	c := newClient() // want `newClient makes a new Transport, here for this call only`
	if resp, err := c.Get(s.url); err == nil {
		resp.Body.Close()
	}
}

func newClientErr(insecure bool) (*http.Client, error) { // want newClientErr:`returns a new Transport at result 0`
	if insecure {
		return nil, errors.New("no")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	return &http.Client{Transport: tr}, nil
}

func (s *svc) viaFactoryErr() error {
	c, err := newClientErr(false) // want `newClientErr makes a new Transport`
	if err != nil {
		return err
	}
	resp, err := c.Get(s.url)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// The factory's client kept: quiet.
func (a *api) reset() { a.client = newClient() }

// A function that returns a shared client is no factory.
func sharedClient() *http.Client { return shared2 }

var shared2 = &http.Client{Transport: &http.Transport{}}

func viaShared(url string) {
	if resp, err := sharedClient().Get(url); err == nil {
		resp.Body.Close()
	}
}

// A factory may set fields before it returns.
func tuned() *http.Client { // want tuned:`returns a new Transport at result 0`
	tr := &http.Transport{}
	tr.MaxIdleConnsPerHost = 8
	return &http.Client{Transport: tr}
}
