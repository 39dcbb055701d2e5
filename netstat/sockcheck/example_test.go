package sockcheck_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leaklab/leaklab/netstat/sockcheck"
)

// exampleT stands in for the *testing.T of a test: it prints failures.
type exampleT struct{}

func (exampleT) Helper()                           {}
func (exampleT) Errorf(format string, args ...any) { fmt.Printf(format+"\n", args...) }

// exampleTB stands in for the *testing.T of a test that NewServer and
// Track use: it prints the first line of each failure, and runs its
// cleanups, last first, when end is called, as testing does when a test
// returns.
type exampleTB struct{ cleanups []func() }

func (*exampleTB) Helper() {}
func (*exampleTB) Errorf(format string, args ...any) {
	first, _, _ := strings.Cut(fmt.Sprintf(format, args...), "\n")
	fmt.Println(first)
}
func (t *exampleTB) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }
func (t *exampleTB) end() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

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

// The recommended form: the test's server, checked before it closes.
func ExampleNewServer() {
	t := &exampleTB{} // in a test, the *testing.T
	var leaked []*http.Transport

	test := func(t sockcheck.TB) { // func TestFetch(t *testing.T)
		srv := sockcheck.NewServer(t, http.HandlerFunc(hello), sockcheck.Timeout(200*time.Millisecond))
		defer srv.Close() // optional: the check runs before the server closes anyway

		// A leak: a new Transport per request, whose idle connection
		// nobody closes.
		for range 2 {
			//leaklab:allow transportpercall the leak the example shows
			tr := &http.Transport{}
			leaked = append(leaked, tr)
			get(&http.Client{Transport: tr, Timeout: 5 * time.Second}, srv.URL)
		}
	}
	test(t)
	t.end()

	for _, tr := range leaked {
		tr.CloseIdleConnections()
	}
	// Output: sockcheck: 2 sockets still open after 200ms, when the server began to close: ESTABLISHED=2
}

// Track checks a server configured before it starts, here HTTP/2 over
// TLS, used through its own srv.Client().
func ExampleTrack() {
	t := &exampleTB{} // in a test, the *testing.T

	test := func(t sockcheck.TB) {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(hello))
		srv.EnableHTTP2 = true
		sockcheck.Track(t, srv)
		srv.StartTLS()
		t.Cleanup(srv.Close)

		for range 3 {
			get(srv.Client(), srv.URL) // closed with the server, as Close does
		}
	}
	test(t)
	t.end()
	fmt.Println("no socket left open")
	// Output: no socket left open
}

func ExamplePortOf() {
	fmt.Println(sockcheck.PortOf("http://127.0.0.1:8080/forecast"))
	fmt.Println(sockcheck.PortOf("[::1]:9090"))
	fmt.Println(sockcheck.PortOf(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5432}))
	// Output:
	// 8080
	// 9090
	// 5432
}

func ExampleVerifyTestMain() {
	// In a _test.go file of the package:
	testMain := func(m *testing.M) { sockcheck.VerifyTestMain(m) }
	_ = testMain // func TestMain(m *testing.M) { sockcheck.VerifyTestMain(m) }
}

func ExampleVerifyNone() {
	var t sockcheck.TestingT = exampleT{} // in a test, the *testing.T
	srv := httptest.NewServer(http.HandlerFunc(hello))
	defer srv.Close()

	test := func() {
		defer sockcheck.VerifyNone(t, sockcheck.RemotePort(sockcheck.PortOf(srv)))
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

	err := sockcheck.Find(sockcheck.RemotePort(sockcheck.PortOf(srv)), sockcheck.Timeout(200*time.Millisecond))
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

	w := sockcheck.Watch(t, sockcheck.RemotePort(sockcheck.PortOf(srv)), sockcheck.Interval(10*time.Millisecond))
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
