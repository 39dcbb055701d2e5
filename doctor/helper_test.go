package doctor

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof" // the helper serves the goroutine profile
	"os"
	"strconv"
	"time"

	"github.com/leaklab/leaklab/internal/cgrouptest"
	"github.com/leaklab/leaklab/internal/loopback"
)

// helperEnv makes the test binary run as a Go process to watch instead of
// the tests: LEAKING=transport-per-request dials TARGET with a new
// http.Transport per request and serves net/http/pprof, printing its
// address first.
const (
	helperEnv    = "DOCTOR_TEST_HELPER"
	helperTarget = "DOCTOR_TEST_TARGET"
)

func runHelper(mode string) int {
	if mode == "check-readable" { // as another user: what would a watch say?
		pid, _ := strconv.Atoi(os.Getenv(helperTarget))
		fmt.Println(checkReadable(int32(pid)))
		return 0
	}
	if mode == "hold" { // sockets of other processes, for the benchmark
		if err := cgrouptest.JoinFromEnv(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
		n, _ := strconv.Atoi(os.Getenv(helperTarget))
		p, err := loopback.Open(n)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
		defer p.Close()
		p.ResetOnClose() // killed: no TIME_WAIT left for the next benchmark
		fmt.Println("ready")
		time.Sleep(10 * time.Minute) // killed by the benchmark before
		return 0
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	go http.Serve(ln, nil) // http.DefaultServeMux has /debug/pprof/
	fmt.Printf("http://%s/debug/pprof/\n", ln.Addr())
	target := os.Getenv(helperTarget)
	deadline := time.Now().Add(5 * time.Minute) // killed at the end of the test
	var held []*http.Transport
	for time.Now().Before(deadline) && len(held) < 5000 {
		switch mode {
		case "transport-per-request":
			//leaklab:allow transportpercall the leaking process the doctor must diagnose
			tr := &http.Transport{Proxy: nil}
			held = append(held, tr)
			get(&http.Client{Transport: tr}, target)
		default:
			fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
			return 3
		}
		time.Sleep(50 * time.Millisecond)
	}
	return 0
}

// get GETs url and reads the body to its end and closes it: the
// connection goes back to its Transport's pool.
func get(c *http.Client, url string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := c.Do(req)
	if err != nil {
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// osArgs0 is the test binary, to start it again as a helper.
func osArgs0() string { return os.Args[0] }
