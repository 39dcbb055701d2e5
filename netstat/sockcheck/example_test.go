package sockcheck_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/leaklab/leaklab/netstat/sockcheck"
)

// exampleT stands in for the *testing.T of a test: it prints failures.
type exampleT struct{}

func (exampleT) Helper()                           {}
func (exampleT) Errorf(format string, args ...any) { fmt.Printf(format+"\n", args...) }

func hello(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "hello") }

// get sends one GET and reads and closes the body.
func get(client *http.Client, url string) {
	resp, err := client.Get(url)
	if err != nil {
		fmt.Println(err)
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func ExampleVerifyNone() {
	var t sockcheck.TestingT = exampleT{} // in a test, the *testing.T
	srv := httptest.NewServer(http.HandlerFunc(hello))
	defer srv.Close()

	test := func() {
		defer sockcheck.VerifyNone(t, sockcheck.RemotePort(sockcheck.PortOf(srv.Listener.Addr())))
		client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
		defer client.CloseIdleConnections() // runs before the check
		for range 3 {
			get(client, srv.URL)
		}
	}
	test()
	fmt.Println("no socket left open")
	// Output: no socket left open
}

func ExampleFind() {
	srv := httptest.NewServer(http.HandlerFunc(hello))
	defer srv.Close()

	// A leak: a new Client and Transport per request. Each keeps its idle
	// connection, and nobody can reuse or close it.
	var transports []*http.Transport
	for range 3 {
		//leaklab:allow transportpercall the leak the example shows
		tr := &http.Transport{}
		transports = append(transports, tr)
		get(&http.Client{Transport: tr, Timeout: 5 * time.Second}, srv.URL)
	}

	err := sockcheck.Find(sockcheck.RemotePort(sockcheck.PortOf(srv.Listener.Addr())), sockcheck.Timeout(200*time.Millisecond))
	headline, _, _ := strings.Cut(fmt.Sprint(err), "\n")
	fmt.Println(headline)

	for _, tr := range transports {
		tr.CloseIdleConnections()
	}
	// Output: sockcheck: 3 sockets still open after 200ms: ESTABLISHED=3
}

func ExampleWatch() {
	var t sockcheck.TestingT = exampleT{} // in a test, the *testing.T
	srv := httptest.NewServer(http.HandlerFunc(hello))
	defer srv.Close()

	w := sockcheck.Watch(t, sockcheck.RemotePort(sockcheck.PortOf(srv.Listener.Addr())), sockcheck.Interval(10*time.Millisecond))
	defer w.Stop() // with a *testing.T, Watch stops at cleanup by itself

	// One shared client, four concurrent callers, at most two connections.
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: 2, MaxConnsPerHost: 2},
		Timeout:   5 * time.Second,
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5 {
				get(client, srv.URL)
			}
		})
	}
	wg.Wait()

	fmt.Println("peak at most 2:", w.PeakAtMost(2))
	client.CloseIdleConnections()
	fmt.Println("settles to 0:", w.SettlesTo(0, time.Second))
	// Output:
	// peak at most 2: true
	// settles to 0: true
}
