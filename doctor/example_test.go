package doctor_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/leaklab/leaklab/doctor"
)

// Watch a process for 30 s, one sample a second, with a status line per
// sample on stderr, then print the report and fail a CI job on a leak.
func ExampleWatch() {
	cfg := doctor.Config{Pid: 4242, Interval: time.Second, Duration: 30 * time.Second}
	r, err := doctor.Watch(context.Background(), cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	r.WriteText(os.Stdout)
	for _, g := range r.Groups {
		if g.Verdict.Leaking {
			fmt.Printf("%s: %+.1f/s, %s; see %v\n", g.Key, g.Fit.Slope, g.Verdict.Cause, g.Verdict.Lessons)
		}
	}
	if r.Leaking {
		os.Exit(1)
	}
}
