package a

import (
	"net/http"
	"testing"
)

// A test runs once: a Transport of its own is fine.
func TestOwnTransport(t *testing.T) {
	c := &http.Client{Transport: &http.Transport{}}
	if resp, err := c.Get("http://x/"); err == nil {
		resp.Body.Close()
	}
}

// A subtest runs once too.
func TestSubtests(t *testing.T) {
	for _, u := range []string{"http://x/", "http://y/"} {
		t.Run(u, func(t *testing.T) {
			c := &http.Client{Transport: &http.Transport{}}
			if resp, err := c.Get(u); err == nil {
				resp.Body.Close()
			}
		})
	}
}

// A loop inside a test makes one per iteration.
func TestLoop(t *testing.T) {
	for range 3 {
		c := &http.Client{Transport: &http.Transport{}} // want `http.Transport made for this call only`
		if resp, err := c.Get("http://x/"); err == nil {
			resp.Body.Close()
		}
	}
}

// A test helper that makes a Transport and registers its cleanup is no
// factory: per-iteration clients in tests stay quiet.
func testClient(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func TestPerIteration(t *testing.T) {
	for range 2 {
		c := testClient(t)
		if resp, err := c.Get("http://x/"); err == nil {
			resp.Body.Close()
		}
	}
}
