package a

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// --- true positives ---

// Reads a prefix and closes: the rest is never read.
func prefix(c *http.Client, url string) ([]byte, error) {
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close() // want `response body closed after a partial read`
	head := make([]byte, 512)
	_, err = io.ReadFull(resp.Body, head)
	return head, err
}

// The kit's faulty variant: the Close inside an if.
func kit(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	_, err = io.ReadFull(resp.Body, make([]byte, 512))
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil
	}
	if cerr := resp.Body.Close(); err == nil { // want `response body closed after a partial read`
		err = cerr
	}
	return err
}

// One Read into a buffer, through a variable holding the body.
func magic(c *http.Client, url string) (bool, error) {
	resp, err := c.Get(url)
	if err != nil {
		return false, err
	}
	body := resp.Body
	var b [4]byte
	n, _ := body.Read(b[:])
	body.Close() // want `response body closed after a partial read`
	return n == 4 && string(b[:]) == "\x89PNG", nil
}

// CopyN into a writer: the first bytes only.
func first(c *http.Client, url string, w io.Writer) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	_, err = io.CopyN(w, resp.Body, 10)
	resp.Body.Close() // want `response body closed after a partial read`
	return err
}

// A LimitReader handed to a decoder: not followed.
func limited(c *http.Client, url string, v any) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	lr := io.LimitReader(resp.Body, 1<<20)
	err = json.NewDecoder(lr).Decode(v)
	resp.Body.Close()
	return err
}

// --- near-misses: must stay quiet ---

// Drained with io.Copy(io.Discard, ...) before Close.
func drained(c *http.Client, url string) ([]byte, error) {
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	head := make([]byte, 512)
	_, err = io.ReadFull(resp.Body, head)
	_, _ = io.Copy(io.Discard, resp.Body)
	return head, err
}

// A bounded drain.
func bounded(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	var b [8]byte
	resp.Body.Read(b[:])
	_, _ = io.CopyN(io.Discard, resp.Body, 256<<10)
	return resp.Body.Close()
}

// Read whole, with a cap on the size.
func capped(c *http.Client, url string) ([]byte, error) {
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(io.LimitReader(resp.Body, 1<<20))
}

// Read whole.
func whole(c *http.Client, url string) ([]byte, error) {
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// Handed to a decoder or a helper: cannot be followed.
func decoded(c *http.Client, url string, v any) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var b [2]byte
	io.ReadFull(resp.Body, b[:])
	return json.NewDecoder(resp.Body).Decode(v)
}

// A Scanner: the analyzer says it misses these.
func scanned(c *http.Client, url string) string {
	resp, err := c.Get(url)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	s := bufio.NewScanner(resp.Body)
	s.Scan()
	return s.Text()
}

// Closed unread on an error path: not reported (see the doc).
func status(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return errors.New(resp.Status)
	}
	return resp.Body.Close()
}

// Reading in a loop until EOF.
func loop(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	buf := make([]byte, 512)
	for {
		if _, err := resp.Body.Read(buf); err != nil {
			break
		}
	}
	return resp.Body.Close()
}

// The request asks for its connection to be closed: no reuse to lose.
func oneShot(c *http.Client, req *http.Request) error {
	req.Close = true
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	io.ReadFull(resp.Body, make([]byte, 4))
	return resp.Body.Close()
}

// The response goes to a helper that may drain it.
func handed(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil || resp == nil {
		return err
	}
	io.ReadFull(resp.Body, make([]byte, 4))
	finish(resp)
	return resp.Body.Close()
}

func finish(r *http.Response) { io.Copy(io.Discard, r.Body) }

// Allowed on purpose.
func allowed(c *http.Client, url string) {
	resp, err := c.Get(url)
	if err != nil {
		return
	}
	io.ReadFull(resp.Body, make([]byte, 4))
	resp.Body.Close() //leaklab:allow bodynotdrained the demo of lesson 03
}
