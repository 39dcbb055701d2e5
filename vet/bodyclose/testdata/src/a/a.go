package a

import (
	"io"
	"net/http"
)

func unclosed(c *http.Client, url string) int {
	resp, err := c.Get(url) // want `response body must be closed`
	if err != nil {
		return 0
	}
	return resp.StatusCode
}

func closed(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func allowed(c *http.Client, url string) int {
	resp, err := c.Get(url) //leaklab:allow bodyclose the lesson 02 demo leaks on purpose
	if err != nil {
		return 0
	}
	return resp.StatusCode
}

// Handed to a helper that can close it.
func helper(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	return drainAndClose(resp.Body)
}

func drainAndClose(b io.ReadCloser) error {
	_, _ = io.Copy(io.Discard, b)
	return b.Close()
}

// Handed to a function that only reads: still reported.
func decoded(c *http.Client, url string) ([]byte, error) {
	resp, err := c.Get(url) // want `response body must be closed`
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

// Kept in a slice: still reported.
var bodies []io.Closer

func kept(c *http.Client, url string) {
	resp, err := c.Get(url) // want `response body must be closed`
	if err != nil {
		return
	}
	bodies = append(bodies, resp.Body)
}
