package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzDelayQuery checks that any ?delay= query gives the configured delay
// when absent, a delay between 0 and MaxDelay, or an error that quotes the
// value; never a panic, a negative wait or one past the cap.
func FuzzDelayQuery(f *testing.F) {
	for _, q := range []string{"delay=300ms", "delay=2s", "delay=0", "delay=", "delay=-1s", "delay=5m", "delay=5m0.000000001s", "delay=1e9h",
		"delay=9223372036854775807ns", "delay=300", "delay=%zz", "delay=1s&delay=2h", "delay=1%C2%B5s", "x=1", ""} {
		f.Add(q)
	}
	cfg := DefaultConfig()
	s := &Server{cfg: cfg}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		r, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/?"+rawQuery, nil)
		if err != nil {
			return // not a request the server could receive
		}
		q := r.URL.Query().Get("delay")
		d, err := s.delayOf(r)
		switch {
		case q == "" && (err != nil || d != cfg.Delay):
			t.Fatalf("no ?delay= (query %q): got %v, %v; want the configured %v", rawQuery, d, err, cfg.Delay)
		case err != nil && !strings.Contains(err.Error(), fmt.Sprintf("delay %q", q)):
			t.Fatalf("?delay=%q: error %q does not quote the value", q, err)
		case err == nil && (d < 0 || d > cfg.MaxDelay):
			t.Fatalf("?delay=%q gives %v, outside 0..%v", q, d, cfg.MaxDelay)
		case err == nil && q != "" && !sameDuration(q, d):
			t.Fatalf("?delay=%q gives %v, not the duration asked for", q, d)
		}
	})
}

func sameDuration(q string, d time.Duration) bool {
	want, err := time.ParseDuration(q)
	return err == nil && want == d
}
