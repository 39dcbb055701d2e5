package sockcheck

import (
	"fmt"

	"github.com/leaklab/leaklab/netstat"
)

// Engine sets the engine that reads the socket table for each sample:
// netstat.EngineNetlink, netstat.EngineGopsutil or netstat.EngineAuto.
// Default: netstat.EngineAuto, netlink on Linux (falling back to gopsutil,
// with one note on stderr, when the kernel refuses it), gopsutil elsewhere.
func Engine(e netstat.Engine) Option {
	return optionFunc(func(c *config) {
		if _, err := netstat.ParseEngine(string(e)); err != nil {
			c.fail(fmt.Errorf("sockcheck.Engine(%q): %w", e, err))
		}
		c.take.Engine = e
	})
}
