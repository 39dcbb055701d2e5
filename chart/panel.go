package chart

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/leaklab/leaklab/experiments"
	"github.com/leaklab/leaklab/netstat"
)

// SparkWidth is how many samples the live panel's sparklines show.
const SparkWidth = 40

// Panel is the live view of a running comparison. On a terminal it
// redraws a few lines in place for every round of the census: the counts
// by TCP state of each variant and a sparkline of its client ESTABLISHED
// sockets. Elsewhere (a pipe, a CI log) it writes one plain line per
// second of the run instead, which reads well in a log.
type Panel struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	scenario string
	history  map[string][]float64
	drawn    int     // lines of the last frame, to move back over
	nextLine float64 // run time of the next plain line, in seconds
}

// NewPanel returns a panel that writes to w; tty says whether w is a
// terminal that understands cursor movement.
func NewPanel(w io.Writer, tty bool) *Panel {
	return &Panel{w: w, tty: tty, history: map[string][]float64{}}
}

// Update takes one round of the census; give it to
// experiments.Config.OnSample.
func (p *Panel) Update(l experiments.Live) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l.Config.Scenario != p.scenario {
		p.scenario, p.history, p.drawn, p.nextLine = l.Config.Scenario, map[string][]float64{}, 0, 0
	}
	for i, name := range l.Variants {
		p.history[name] = append(p.history[name], float64(l.Samples[i].Client[netstat.Established]))
	}
	if !p.tty {
		p.plain(l)
		return
	}
	p.redraw(frame(l, p.history))
}

// plain writes one line per second of run time.
func (p *Panel) plain(l experiments.Live) {
	if len(l.Samples) == 0 || l.Samples[0].T < p.nextLine {
		return
	}
	p.nextLine = float64(int(l.Samples[0].T)) + 1
	parts := []string{fmt.Sprintf("t=%4.1fs %s", l.Samples[0].T, l.Config.Scenario)}
	for i, name := range l.Variants {
		s := l.Samples[i]
		parts = append(parts, fmt.Sprintf("%s: sent %d, in flight %d, errors %d, client %s",
			name, s.Sent, s.InFlight, s.Errors, stateLine(s.Client)))
	}
	fmt.Fprintln(p.w, strings.Join(parts, " | "))
}

// redraw moves the cursor back over the last frame and draws the new one.
func (p *Panel) redraw(lines []string) {
	var b strings.Builder
	if p.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", p.drawn)
	}
	for _, l := range lines {
		b.WriteString("\r\x1b[2K" + l + "\n")
	}
	p.drawn = len(lines)
	io.WriteString(p.w, b.String())
}

// frame is the panel's text for one round.
func frame(l experiments.Live, history map[string][]float64) []string {
	t := 0.0
	if len(l.Samples) > 0 {
		t = l.Samples[0].T
	}
	top := float64(l.Bound.Max)
	for _, h := range history {
		for _, v := range Tail(h, SparkWidth) {
			top = max(top, v)
		}
	}
	lines := []string{
		fmt.Sprintf("live: %s   t=%.1fs of %v load   bound: λ·W + %d = %.0f expected, worst %d",
			l.Config.Scenario, t, l.Config.Duration, l.Bound.Idle, l.Bound.Expected, l.Bound.Max),
		fmt.Sprintf("%-8s %6s %9s %6s %6s %9s %10s %9s %7s   client ESTABLISHED, last %d samples (full block = %.0f)",
			"variant", "sent", "in flight", "errors", "ESTAB", "TIME_WAIT", "CLOSE_WAIT", "FIN_WAIT2", "srv all", SparkWidth, top),
	}
	for i, name := range l.Variants {
		s, c := l.Samples[i], l.Samples[i].Client
		lines = append(lines, fmt.Sprintf("%-8s %6d %9d %6d %6d %9d %10d %9d %7d   %s",
			name, s.Sent, s.InFlight, s.Errors, c[netstat.Established], c[netstat.TimeWait],
			c[netstat.CloseWait], c[netstat.FinWait2], l.Samples[i].Server.Total(),
			Spark(Tail(history[name], SparkWidth), top)))
	}
	return lines
}

// stateLine lists the states that hold sockets: "ESTABLISHED=12 TIME_WAIT=3".
func stateLine(c netstat.StateCounts) string {
	var parts []string
	for _, st := range netstat.States {
		if n := c[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", st, n))
		}
	}
	if len(parts) == 0 {
		return "no sockets"
	}
	return strings.Join(parts, " ")
}
