package doctor

import (
	"fmt"

	"github.com/leaklab/leaklab/netstat"
)

// GoroutineReport is the goroutine evidence of a watch, beside its
// sockets.
type GoroutineReport struct {
	// URL is the goroutine profile read.
	URL string `json:"url"`
	// Reads is the number of samples that have a profile.
	Reads int `json:"reads"`
	// First and Last are the counts of the first and the last profile read.
	First Goroutines `json:"first"`
	Last  Goroutines `json:"last"`
	// Findings say what the counts mean, next to the sockets.
	Findings []string `json:"findings"`
}

// goroutineReport sums up the profiles read with the samples, or nil
// when none was asked for.
func goroutineReport(cfg Config, samples []Sample, groups []Group) *GoroutineReport {
	if cfg.PprofURL == "" {
		return nil
	}
	u, _ := goroutineURL(cfg.PprofURL)
	gr := &GoroutineReport{URL: u}
	for _, s := range samples {
		if s.Goroutines == nil {
			continue
		}
		if gr.Reads == 0 {
			gr.First = *s.Goroutines
		}
		gr.Last = *s.Goroutines
		gr.Reads++
	}
	if gr.Reads > 0 {
		gr.Findings = findings(cfg, gr.First, gr.Last, groups)
	}
	return gr
}

// established sums the ESTABLISHED sockets of one side at the last
// sample, and returns the largest group.
func established(groups []Group, side netstat.Side) (total int, top Group) {
	for _, g := range groups {
		if g.Side == side && g.State == netstat.Established {
			total += g.Now
			if g.Now > top.Now {
				top = g
			}
		}
	}
	return total, top
}

// findings puts the goroutine counts beside the sockets in sentences.
func findings(cfg Config, first, last Goroutines, groups []Group) []string {
	var out []string
	add := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	client, top := established(groups, netstat.SideClient)
	if last.ReadLoops > 0 || client > 0 {
		add("%d persistConn readLoops for %s: %s", last.ReadLoops, estabPhrase(client, top), clientMeaning(last, top))
	}
	if grew := last.ReadLoops - first.ReadLoops; float64(grew) >= cfg.MinGrowth {
		add("persistConn readLoops grew from %d to %d during the watch, two goroutines per connection with the writeLoops (%d)", first.ReadLoops, last.ReadLoops, last.WriteLoops)
	}
	if last.RoundTrips > 0 {
		add("%d requests waiting for their response (persistConn.roundTrip)%s", last.RoundTrips, growingNote(first.RoundTrips, last.RoundTrips, cfg.MinGrowth, "; growing: no Client.Timeout or context deadline? see "+lessonNoTimeout))
	}
	if last.BodyReads > 0 {
		add("%d goroutines blocked reading a body: a slow or silent peer, and without a deadline they wait as long as it does (%s)", last.BodyReads, lessonNoTimeout)
	}
	server, _ := established(groups, netstat.SideServer)
	if last.ServerConns > 0 || server > 0 {
		add("%d server connections ((*conn).serve) for %d server-side ESTABLISHED%s", last.ServerConns, server, growingNote(first.ServerConns, last.ServerConns, cfg.MinGrowth, ": the server keeps more and more connections open, see "+lessonServerIdle))
	}
	if last.ReadLoops == 0 && last.ServerConns == 0 && client+server > 0 {
		add("no net/http connection goroutines: these sockets are held by other code (raw net.Conn, another HTTP library, cgo)")
	}
	return out
}

// estabPhrase names the peer with the most client connections: "954
// ESTABLISHED to 10.0.0.7:443", and the total when other peers have some.
func estabPhrase(total int, top Group) string {
	if top.Now == 0 {
		return fmt.Sprintf("%d client-side ESTABLISHED", total)
	}
	s := fmt.Sprintf("%d ESTABLISHED to %s", top.Now, top.Peer)
	if total > top.Now {
		s += fmt.Sprintf(" (%d client-side in all)", total)
	}
	return s
}

// clientMeaning says what holds the client connections, from what their
// read loops wait for.
func clientMeaning(g Goroutines, top Group) string {
	idle, body := g.IdleReadLoops(), g.ReadLoops-g.PeekingReadLoops
	switch {
	case g.ReadLoops == 0:
		return "none is a net/http client connection: they are held by other code (raw net.Conn, another library)"
	case body > idle && body >= g.RoundTrips:
		return "read loops waiting for response bodies nobody reads to the end or closes: bodies not closed, see " + lessonBody
	case g.RoundTrips > idle:
		return "requests waiting for their response; without a timeout they wait as long as the server does, see " + lessonNoTimeout
	case top.Verdict.Leaking:
		return "connections held by Transport pools nobody reuses: a new Transport per request? see " + lessonNewClient
	}
	return "idle connections in Transport pools, waiting to be reused"
}

func growingNote(first, last int, minGrowth float64, note string) string {
	if float64(last-first) >= minGrowth {
		return note
	}
	return ""
}
