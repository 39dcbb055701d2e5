package experiments

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/leaklab/leaklab/clients"
)

// labelKey is the pprof label that marks the goroutines of a variant's
// requests.
const labelKey = "leaklab"

// runs numbers the labelled requesters, so that two runs of the same
// variant in one process are counted apart.
var runs atomic.Int64

// labelled is a Requester whose requests run under a pprof label naming
// the scenario, the variant and the run. A goroutine inherits the labels
// of the goroutine that starts it, so every goroutine a request starts
// carries the label: the Transport's dial, and each connection's
// persistConn read and write loops. Counting them (goroutinesByLabel)
// gives each variant's goroutines, although both run in one process.
type labelled struct {
	clients.Requester
	label string
}

func withLabel(scenario, variant string, r clients.Requester) *labelled {
	return &labelled{Requester: r, label: fmt.Sprintf("%s/%s/%d", scenario, variant, runs.Add(1))}
}

func (l *labelled) Do(ctx context.Context, url string) (o clients.Outcome) {
	pprof.Do(ctx, pprof.Labels(labelKey, l.label), func(ctx context.Context) {
		o = l.Requester.Do(ctx, url)
	})
	return o
}

// goroutinesOf counts, for each run, the live goroutines that carry its
// requester's label, reading the goroutine profile once for all of them;
// -1 for a run whose requester is not labelled, or for every run when the
// profile cannot be read.
func goroutinesOf(runs []*variantRun) []int {
	out := make([]int, len(runs))
	counts, err := goroutinesByLabel()
	for i, r := range runs {
		l, ok := r.req.(*labelled)
		if !ok || err != nil {
			out[i] = -1
			continue
		}
		out[i] = counts[l.label]
	}
	return out
}

// goroutinesByLabel reads the goroutine profile (runtime/pprof, debug=1:
// one "N @ pc..." line per distinct stack and labels, then "# labels:
// {...}") and sums the goroutines by their leaklab label.
func goroutinesByLabel() (map[string]int, error) {
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		return nil, fmt.Errorf("read the goroutine profile: %w", err)
	}
	counts := map[string]int{}
	n := 0
	sc := bufio.NewScanner(&buf)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if count, _, ok := strings.Cut(line, " @ "); ok {
			n, _ = strconv.Atoi(count)
			continue
		}
		if labels, ok := strings.CutPrefix(line, "# labels: "); ok {
			var m map[string]string
			if json.Unmarshal([]byte(labels), &m) == nil && m[labelKey] != "" {
				counts[m[labelKey]] += n
			}
		}
	}
	return counts, sc.Err()
}
