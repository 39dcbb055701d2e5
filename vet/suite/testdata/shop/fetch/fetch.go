// Package fetch calls the prices service: a module leaklab has never
// seen, with each catalogue bug next to its fixed form.
package fetch

import (
	"context"
	"io"
	"net/http"
	"time"
)

// Prices is the fixed form: one Client, made once, kept in the struct.
type Prices struct {
	client *http.Client
	base   string
}

// NewPrices builds the one Client and keeps it.
func NewPrices(base string) *Prices {
	tr := &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: 90 * time.Second}
	return &Prices{client: &http.Client{Transport: tr, Timeout: 5 * time.Second}, base: base}
}

// NewClient is a factory: the caller keeps what it returns.
func NewClient() *http.Client {
	return &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
}

// Get drains and closes the body.
func (p *Prices) Get(ctx context.Context, sku string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/"+sku, nil)
	if err != nil {
		return nil, err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// Head reads the first bytes, then drains the rest before Close.
func (p *Prices) Head(ctx context.Context, sku string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/"+sku, nil)
	if err != nil {
		return nil, err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 64)
	n, err := io.ReadFull(resp.Body, head)
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return head[:n], err
}

// Quick is the bug of lesson 01: a Transport per call.
func Quick(ctx context.Context, url string) (int, error) {
	c := &http.Client{Transport: &http.Transport{}, Timeout: time.Second}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

// Peek is the bug of lesson 03: the rest of the body is never read.
func (p *Prices) Peek(ctx context.Context, sku string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/"+sku, nil)
	if err != nil {
		return nil, err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	head := make([]byte, 64)
	n, err := io.ReadFull(resp.Body, head)
	return head[:n], err
}

// Status is the bug of lesson 02: the body is never closed.
func (p *Prices) Status(ctx context.Context) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/status", nil)
	if err != nil {
		return 0, err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// Ping is the bug of lesson 04: http.Get has no timeout.
func Ping(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// PingWithin is the fixed form: a deadline on the request.
func PingWithin(url string, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}
