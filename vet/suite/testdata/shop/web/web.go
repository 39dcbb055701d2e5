// Package web serves the shop.
package web

import (
	"io"
	"net/http"
	"time"

	"example.com/shop/fetch"
)

// Serve is the bug of lesson 07: no header nor idle timeout.
func Serve(addr string, h http.Handler) error {
	return http.ListenAndServe(addr, h)
}

// ServeSafely is the fixed form: timeouts set after construction.
func ServeSafely(addr string, h http.Handler) error {
	srv := &http.Server{Addr: addr, Handler: h}
	srv.ReadHeaderTimeout = 10 * time.Second
	srv.IdleTimeout = 2 * time.Minute
	return srv.ListenAndServe()
}

// Proxy makes a Client with its own Transport in each request: lesson 01
// inside a handler.
func Proxy(w http.ResponseWriter, r *http.Request) {
	c := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	resp, err := c.Get("http://127.0.0.1:9/")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	_, _ = io.Copy(w, resp.Body)
}

// Handler is the fixed form: a client made once and passed down.
func Handler(c *http.Client) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		resp, err := c.Get("http://127.0.0.1:9/")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		_, _ = io.Copy(w, resp.Body)
	}
}

// Main wires the fixed forms: the factory's client passed down.
func Main() error {
	prices := fetch.NewPrices("http://127.0.0.1:9")
	_ = prices
	mux := http.NewServeMux()
	mux.Handle("/", Handler(fetch.NewClient()))
	return ServeSafely(":8080", mux)
}

// Health calls the factory in each request and drops its client after
// one call: lesson 01 through a factory of another package.
func Health(w http.ResponseWriter, r *http.Request) {
	c := fetch.NewClient()
	resp, err := c.Get("http://127.0.0.1:9/health")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	_, _ = io.Copy(w, resp.Body)
}
