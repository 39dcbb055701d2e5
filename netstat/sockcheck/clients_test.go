package sockcheck_test

import (
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// transportPerRequest is the leaking client of the new-client-per-request
// scenario: a new Client, and so a new Transport, for every request. Each
// body is read and closed, so each Transport keeps one idle connection
// that nobody will reuse or close.
type transportPerRequest struct {
	transports []*http.Transport
}

func (c *transportPerRequest) get(t *testing.T, url string) {
	t.Helper()
	//leaklab:allow transportpercall the new-client-per-request leak the check must find
	tr := &http.Transport{}
	c.transports = append(c.transports, tr)
	client := &http.Client{Transport: tr, Timeout: clientTimeout}
	resp, err := client.Get(url)
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
}

// release closes what the client leaked, so that this package leaks
// nothing itself.
func (c *transportPerRequest) release() {
	for _, tr := range c.transports {
		tr.CloseIdleConnections()
	}
}

// bodyNotClosed is the leaking client of the body-not-closed scenario: one
// shared Transport, but no body is closed, so no connection goes back to
// the pool and every request dials a new one.
type bodyNotClosed struct {
	tr     *http.Transport
	bodies []io.Closer
}

func newBodyNotClosed() *bodyNotClosed { return &bodyNotClosed{tr: &http.Transport{}} }

func (c *bodyNotClosed) get(t *testing.T, url string) {
	t.Helper()
	client := &http.Client{Transport: c.tr, Timeout: clientTimeout}
	//leaklab:allow bodyclose the body-not-closed leak the check must find
	resp, err := client.Get(url)
	require.NoError(t, err)
	c.bodies = append(c.bodies, resp.Body)
}

func (c *bodyNotClosed) release() {
	for _, b := range c.bodies {
		b.Close()
	}
	c.tr.CloseIdleConnections()
}

// newFixedClient is the fixed client: one shared Transport with a small
// idle pool, and at most two connections to the host.
func newFixedClient() *http.Client {
	return &http.Client{
		Timeout: clientTimeout,
		Transport: &http.Transport{
			MaxIdleConns:        5,
			MaxIdleConnsPerHost: 2,
			MaxConnsPerHost:     2,
			IdleConnTimeout:     30 * time.Second,
		},
	}
}

// getAll sends requests GETs from workers goroutines with client, reading
// and closing every body.
func getAll(t *testing.T, client *http.Client, url string, workers, requests int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, requests)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < requests; i += workers {
				errs <- getAndDrain(client, url)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func getAndDrain(client *http.Client, url string) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}
