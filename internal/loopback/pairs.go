package loopback

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sync"
)

// Pairs is a listener with n held connections; both ends live in this
// process.
type Pairs struct {
	Listener net.Listener
	Clients  []net.Conn
	mu       sync.Mutex
	servers  []net.Conn
	done     chan struct{}
}

// Port is the listener's port.
func (p *Pairs) Port() uint16 { return uint16(p.Listener.Addr().(*net.TCPAddr).Port) }

// Open listens on 127.0.0.1:0 and dials n connections to it, waiting until
// the listener has accepted all of them. TCP keep-alive is off on both
// ends: thousands of connections opened together would send their probes
// together, overflow loopback's backlog, and be reset by the kernel when
// nine in a row were dropped.
func Open(n int) (*Pairs, error) {
	ln, err := (&net.ListenConfig{KeepAlive: -1}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on 127.0.0.1:0: %w", err)
	}
	p := &Pairs{Listener: ln, done: make(chan struct{})}
	dialer := net.Dialer{KeepAlive: -1}
	accepted := make(chan struct{}, n)
	go p.accept(accepted)
	for i := 0; i < n; i++ {
		c, err := dialer.Dial("tcp", ln.Addr().String())
		if err != nil {
			p.Close()
			return nil, fmt.Errorf("dial connection %d of %d to %s: %w", i+1, n, ln.Addr(), err)
		}
		p.Clients = append(p.Clients, c)
	}
	for i := 0; i < n; i++ {
		<-accepted
	}
	return p, nil
}

func (p *Pairs) accept(accepted chan<- struct{}) {
	defer close(p.done)
	for {
		c, err := p.Listener.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.servers = append(p.servers, c)
		p.mu.Unlock()
		accepted <- struct{}{}
	}
}

// CloseClients closes the dialled ends: they go to FIN_WAIT2 and the
// accepted ends to CLOSE_WAIT until CloseServers; then the dialled ends,
// having closed first, wait in TIME_WAIT.
func (p *Pairs) CloseClients() {
	for _, c := range p.Clients {
		c.Close()
	}
	p.Clients = nil
}

// CloseServers closes the accepted ends.
func (p *Pairs) CloseServers() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.servers {
		c.Close()
	}
	p.servers = nil
}

// Close closes every connection and the listener, and waits for the
// accept loop to end.
func (p *Pairs) Close() {
	p.CloseClients()
	p.Listener.Close()
	<-p.done
	p.CloseServers()
}

// ResetOnClose makes every connection end with a RST when it is closed,
// or when the process dies (SO_LINGER 0), so that none is left in
// TIME_WAIT: for benchmarks that open thousands, whose TIME_WAIT sockets
// would otherwise weigh on the next minute's censuses.
func (p *Pairs) ResetOnClose() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range append(slices.Clip(p.Clients), p.servers...) {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
	}
}
