package a

import (
	"io"
	"net/http"
)

func unclosed(c *http.Client, url string) int {
	resp, err := c.Get(url) // want `response body must be closed: close it once the error is checked`
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
	resp, err := c.Get(url) // want `response body must be closed: close it once the error is checked`
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

// Kept in a slice: still reported.
var bodies []io.Closer

func kept(c *http.Client, url string) {
	resp, err := c.Get(url) // want `response body must be closed: close it once the error is checked`
	if err != nil {
		return
	}
	bodies = append(bodies, resp.Body)
}

// A helper that reads and closes the body, and returns the response for
// its headers.
func get(c *http.Client, url string) (*http.Response, string) {
	resp, err := c.Get(url)
	if err != nil {
		return nil, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func viaGet(c *http.Client, url string) int {
	resp, _ := get(c, url)
	get(c, url)
	return resp.StatusCode
}

// A response handed to a helper that closes it.
func drain(resp *http.Response, err error) {
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func outcome(resp *http.Response, err error) bool {
	drain(resp, err)
	return err == nil
}

func viaOutcome(c *http.Client, url string) bool {
	resp, err := c.Get(url)
	return outcome(resp, err)
}

// A response handed to a function that does not close it: reported.
func logStatus(resp *http.Response) { println(resp.Status) }

func logged(c *http.Client, url string) {
	resp, err := c.Get(url) // want `response body must be closed: close it once the error is checked`
	if err != nil {
		return
	}
	logStatus(resp)
}
