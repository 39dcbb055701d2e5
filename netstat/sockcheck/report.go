package sockcheck

import (
	"fmt"
	"strings"
	"time"

	"github.com/leaklab/leaklab/netstat"
)

// maxListed is how many sockets a failure lists; the rest are counted.
const maxListed = 20

// report describes sockets that should not be open so that a person can
// act on it: what was checked, which sockets, since when, the peak, and
// hints at the cause.
func report(headline string, c *config, r *record, s sample) string {
	var b strings.Builder
	fmt.Fprintf(&b, "sockcheck: %s\n", headline)
	fmt.Fprintf(&b, "selection: %s\n", c.sel)
	writeSockets(&b, s)
	peak, _ := r.snapshot()
	fmt.Fprintf(&b, "peak: %s at %s, %v after the check started\n",
		plural(len(peak.open), "socket"), peak.taken.Format("15:04:05.000"), roundMs(peak.taken.Sub(r.start)))
	writeHints(&b, s.open, c.facts(s.open))
	if c.wholeProcess() && !c.afterTests {
		b.WriteString("note: the selection covers the whole process: tests that run in parallel (t.Parallel) share it, " +
			"so their sockets count too; select this test's own server: srv := sockcheck.NewServer(t, handler), " +
			"or sockcheck.RemotePort(sockcheck.PortOf(srv))\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// wholeProcess reports whether the selection names no port and no address:
// every socket of the process, whoever opened it.
func (c *config) wholeProcess() bool {
	return len(c.ports()) == 0 && !c.sel.Addr.IsValid()
}

// facts gathers what the hints need beyond the sockets: which are
// hijacked (Track knows) and, when the server's end of a connection is in
// CLOSE_WAIT in this process, whether a handler is still running.
func (c *config) facts(open []netstat.Socket) facts {
	f := facts{hijacked: c.hijacked, handlers: -1}
	if c.sel.Pid != netstat.Self().Pid {
		return f
	}
	for _, k := range open {
		if k.Side == netstat.SideServer && k.State == netstat.CloseWait {
			f.handlers = handlersRunning()
			break
		}
	}
	return f
}

func writeSockets(b *strings.Builder, s sample) {
	sorted := netstat.Snapshot{Sockets: s.open}.Sorted()
	for i, k := range sorted {
		if i == maxListed {
			fmt.Fprintf(b, "    ... and %d more\n", len(sorted)-maxListed)
			break
		}
		fmt.Fprintf(b, "    %s  %s\n", k, age(s.taken.Sub(s.firstSeen[connOf(k)])))
	}
}

// age says how long the samples have seen a socket open; it has been open
// at least that long.
func age(seen time.Duration) string {
	if seen <= 0 {
		return "first seen now"
	}
	return fmt.Sprintf("seen open for %v", roundMs(seen))
}

func writeHints(b *strings.Builder, open []netstat.Socket, f facts) {
	found := diagnose(open, f)
	for _, s := range symptomOrder {
		if evidence, ok := found[s]; ok {
			fmt.Fprintf(b, "hint: %s: %s\n", evidence, hints[s])
		}
	}
}

// stateLine counts sockets by state, e.g. "ESTABLISHED=3 CLOSE_WAIT=1".
func stateLine(open []netstat.Socket) string {
	counts := netstat.StateCounts{}
	for _, k := range open {
		counts[k.State]++
	}
	return counts.Line()
}

func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func roundMs(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
