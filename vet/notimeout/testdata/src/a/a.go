package a

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// --- true positives ---

func pkgFuncs(u string) {
	http.Get(u)                     // want `http.Get sends through http.DefaultClient`
	http.Head(u)                    // want `http.Head sends through http.DefaultClient`
	http.Post(u, "text/plain", nil) // want `http.Post sends through http.DefaultClient`
	http.PostForm(u, url.Values{})  // want `http.PostForm sends through http.DefaultClient`
}

func defaultClient(u string) {
	http.DefaultClient.Get(u) // want `request through http.DefaultClient, which has no Timeout`
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	http.DefaultClient.Do(req) // want `request through http.DefaultClient`
}

func literal(u string) {
	client := &http.Client{}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
	client.Do(req) // want `request through client, which has no Timeout`
}

func zeroTimeout(u string) {
	c := &http.Client{Timeout: 0, Transport: &http.Transport{MaxIdleConns: 2}}
	ctx, cancel := context.WithCancel(context.TODO())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	c.Do(req) // want `request through c, which has no Timeout`
}

func withoutCancel(ctx context.Context, u string) {
	ctx = context.WithoutCancel(ctx)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	http.DefaultClient.Do(req) // want `request through http.DefaultClient`
}

func inline(u string) {
	(&http.Client{}).Get(u) // want `request through an http.Client`
}

// --- near-misses: must stay quiet ---

func withTimeout(u string) {
	c := &http.Client{Timeout: 10 * time.Second}
	c.Get(u)
}

func setAfter(u string) {
	c := &http.Client{}
	c.Timeout = 5 * time.Second
	c.Get(u)
}

func deadline(u string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	http.DefaultClient.Do(req)
}

// The caller's context may carry a deadline.
func callersContext(ctx context.Context, u string) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	http.DefaultClient.Do(req)
}

// A request from elsewhere.
func passedRequest(req *http.Request) {
	http.DefaultClient.Do(req)
}

// A client from a field or a parameter.
type api struct{ c *http.Client }

func (a *api) get(u string) { a.c.Get(u) }

func param(c *http.Client, u string) { c.Get(u) }

// A Transport that bounds the wait for headers.
func headerTimeout(u string) {
	tr := &http.Transport{ResponseHeaderTimeout: 2 * time.Second}
	c := &http.Client{Transport: tr}
	c.Get(u)
}

// A client variable assigned from somewhere the analyzer does not follow.
func fromFunc(u string) {
	c := newClient()
	c.Get(u)
}

func newClient() *http.Client { return &http.Client{Timeout: time.Second} }

func allowed(u string) {
	http.Get(u) //leaklab:allow notimeout a probe the caller bounds with a watchdog
}
