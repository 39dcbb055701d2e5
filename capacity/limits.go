package capacity

import (
	"fmt"

	"github.com/leaklab/leaklab/internal/oslimits"
)

// ReservedFiles is how many file descriptors a run keeps for itself
// (standard streams, the poller, /proc reads) on top of its connections.
const ReservedFiles = 32

// FileLimit is the process's open-files limit (RLIMIT_NOFILE, ulimit -n).
// Every connection is one open file.
type FileLimit struct {
	// Soft is the limit in force; opening one more file fails with EMFILE.
	Soft uint64 `json:"soft"`
	// Hard is the ceiling an unprivileged process may raise Soft to.
	Hard uint64 `json:"hard"`
	// Was is Soft before RaiseFileLimit, when it raised it.
	Was uint64 `json:"was,omitempty"`
}

// String says the limit in one line, e.g. "open-files limit 20000 (hard
// limit 20000)".
func (l FileLimit) String() string {
	s := fmt.Sprintf("open-files limit %d (hard limit %d)", l.Soft, l.Hard)
	if l.Was != 0 && l.Was != l.Soft {
		s += fmt.Sprintf(", raised from %d", l.Was)
	}
	return s
}

// MaxConnections is how many connections one process can hold under the
// limit, ReservedFiles kept aside.
func (l FileLimit) MaxConnections() int {
	if l.Soft <= ReservedFiles {
		return 0
	}
	return int(min(l.Soft-ReservedFiles, 1<<31-1))
}

// RaiseFileLimit raises the soft open-files limit to the hard limit and
// returns the limit now in force. Where there is no RLIMIT_NOFILE
// (Windows) the error wraps oslimits.ErrNotSupported.
func RaiseFileLimit() (FileLimit, error) {
	was, err := oslimits.OpenFiles()
	if err != nil {
		return FileLimit{}, err
	}
	now, err := oslimits.RaiseOpenFiles()
	if err != nil {
		now = was
	}
	return FileLimit{Soft: now.Soft, Hard: now.Hard, Was: was.Soft}, err
}

// PortRange is the kernel's ephemeral port range (on Linux
// /proc/sys/net/ipv4/ip_local_port_range): the source ports connect()
// picks from when the caller does not bind one.
type PortRange struct {
	Low  int `json:"low"`
	High int `json:"high"`
}

// Size is the number of ports in the range: the most connections one
// source address can hold to one target address and port.
func (p PortRange) Size() int { return p.High - p.Low + 1 }

// String is "32768-60999 (28232 ports)".
func (p PortRange) String() string { return fmt.Sprintf("%d-%d (%d ports)", p.Low, p.High, p.Size()) }

// ReadPortRange reads the ephemeral port range of this network namespace
// (Linux), or of the system (macOS, FreeBSD).
func ReadPortRange() (PortRange, error) {
	p, err := oslimits.EphemeralPorts()
	if err != nil {
		return PortRange{}, err
	}
	return PortRange{Low: p.Low, High: p.High}, nil
}

// CheckLimits refuses a run that cannot fit: more connections per process
// than the open-files limit allows, or more per source address than the
// ephemeral port range holds. workers is the number of processes the run
// is spread over (1 for one process).
func (c Config) CheckLimits(files FileLimit, ports PortRange, workers int) error {
	if err := c.checkFiles(files, workers); err != nil {
		return err
	}
	sources := max(len(c.Sources), 1)
	if perSource := (c.Connections + sources - 1) / sources; !c.Auto && perSource > ports.Size() {
		return fmt.Errorf("%d connections per source address (%d over %d) to one target exceed the ephemeral port range %s: each connection needs a 4-tuple of its own; spread them over more source addresses, e.g. -source 127.0.0.1-127.0.0.%d",
			perSource, c.Connections, sources, ports, (c.Connections+ports.Size()-1)/ports.Size())
	}
	return nil
}

func (c Config) checkFiles(files FileLimit, workers int) error {
	workers = max(workers, 1)
	perProcess := (c.Connections + workers - 1) / workers
	if most := files.MaxConnections(); perProcess > most {
		return fmt.Errorf("%d connections per process need %d open files, but the %s leaves room for %d; lower -connections, spread the run over more processes (-workers %d), or raise the hard limit (ulimit -Hn, /etc/security/limits.conf)",
			perProcess, perProcess+ReservedFiles, files, most, (c.Connections+most-1)/most)
	}
	return nil
}

// readRSS returns the resident memory of this process in bytes, or 0.
func readRSS() uint64 { return oslimits.RSS() }

// currentFileLimit reads the open-files limit without changing it; where
// it cannot be read, 1024, the common default.
func currentFileLimit() FileLimit {
	l, err := oslimits.OpenFiles()
	if err != nil {
		return FileLimit{Soft: 1024, Hard: 1024}
	}
	return FileLimit{Soft: l.Soft, Hard: l.Hard}
}
