package netstat

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// WriteTable prints the counts as a table: one row per TCP state that has
// sockets, one column per side.
func (c Counts) WriteTable(w io.Writer) error {
	t := tablewriter.NewTable(w, tablewriter.WithHeaderAutoFormat(tw.Off))
	t.Header("state", "server side", "client side")
	for _, st := range States {
		if st == Listen {
			continue
		}
		s, cl := c.Server[st], c.Client[st]
		if s == 0 && cl == 0 {
			continue
		}
		if err := t.Append(st, fmt.Sprint(s), fmt.Sprint(cl)); err != nil {
			return err
		}
	}
	if err := t.Append("total", fmt.Sprint(c.Server.Total()), fmt.Sprint(c.Client.Total())); err != nil {
		return err
	}
	if err := t.Render(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "listening sockets: %d\n", c.Listen)
	return err
}

// WriteJSON prints the counts as one JSON object.
func (c Counts) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	return enc.Encode(c)
}

// Line formats the counts on one line, for periodic reports:
// "server ESTABLISHED=3 TIME_WAIT=1 | client ESTABLISHED=3".
func (c Counts) Line() string {
	return "server " + c.Server.Line() + " | client " + c.Client.Line()
}

// Line formats the non-zero counts in state order, or "none".
func (c StateCounts) Line() string {
	var parts []string
	for _, st := range States {
		if n := c[st]; n != 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", st, n))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}
