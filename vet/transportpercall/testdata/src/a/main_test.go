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
