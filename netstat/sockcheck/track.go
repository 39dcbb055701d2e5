package sockcheck

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"

	"github.com/leaklab/leaklab/netstat"
)

// TB is the part of *testing.T that NewServer and Track use. When t also
// has Output and Fail, as *testing.T does, a failure points at the end of
// the test function rather than at the line that set up the check.
type TB interface {
	TestingT
	Cleanup(func())
}

// NewServer starts an httptest.Server for handler and checks, when the
// server starts to close, that every connection to it has been released:
// the recommended form for a test.
//
//	srv := sockcheck.NewServer(t, handler)
//
// The server closes at the test's cleanup, or earlier when the test closes
// it (defer srv.Close() and t.Cleanup(srv.Close) both work); the check
// always runs first. See Track for what it counts.
func NewServer(t TB, handler http.Handler, opts ...Option) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(handler)
	Track(t, srv, opts...)
	srv.Start()
	return srv
}

// Track checks a server that is not started yet, from
// httptest.NewUnstartedServer, the way NewServer does; call Start or
// StartTLS after it:
//
//	srv := httptest.NewUnstartedServer(handler)
//	srv.EnableHTTP2 = true
//	sockcheck.Track(t, srv)
//	srv.StartTLS()
//
// The check runs when the server's listener starts to close: the first
// thing httptest.Server.Close does, before it closes the server's ends of
// idle connections (after which the client's ends close too and a leak
// would hide). So it runs before the server closes, whoever closes it: a
// defer, a t.Cleanup, or Track's own cleanup, which closes the server if
// the test has not. It fails the test, at its cleanup, if a socket is
// still open once Timeout has passed, pointing at the end of the test
// function.
//
// It counts the client's ends of every connection to the server and the
// server's ends of connections a handler hijacked, ESTABLISHED or
// CLOSE_WAIT. The server's ends that net/http still manages are left out:
// Close closes them, or waits for their handlers and says so. Close first
// closes the idle connections of the server's own srv.Client(), as it
// would right after.
//
// While the check waits, the server is locked as in Close: a failing check
// delays Close by Timeout.
func Track(t TB, srv *httptest.Server, opts ...Option) {
	t.Helper()
	if srv.URL != "" {
		t.Errorf("sockcheck.Track(%s): the server is already started, too late to check it before it closes; "+
			"create it with httptest.NewUnstartedServer, call Track, then Start, or use sockcheck.NewServer", srv.URL)
		return
	}
	port := PortOf(srv.Listener)
	c, err := newConfig(append([]Option{Port(port)}, opts...))
	if err != nil {
		t.Errorf("%v", err)
		return
	}
	tr := &tracker{srv: srv, c: c, port: uint16(port), conns: map[conn]http.ConnState{}, where: testSite()}
	c.skip, c.hijacked = tr.managed, tr.isHijacked
	srv.Listener = &closeHook{Listener: srv.Listener, closing: tr.check}
	previous := srv.Config.ConnState
	srv.Config.ConnState = func(nc net.Conn, st http.ConnState) {
		tr.saw(nc, st)
		if previous != nil {
			previous(nc, st)
		}
	}
	t.Cleanup(func() {
		t.Helper()
		srv.Close()
		tr.check() // waits for a check another goroutine's Close runs
		if tr.err != nil {
			reportAt(t, tr.where, tr.err.Error())
		}
	})
}

// tracker is what Track knows of one server: the state of each connection
// (from ConnState) and the result of its check.
type tracker struct {
	srv   *httptest.Server
	c     *config
	port  uint16
	where site

	mu    sync.Mutex
	conns map[conn]http.ConnState // by the server's end: local, remote

	once sync.Once
	err  error
}

// closeHook is the server's listener; its Close runs the check first.
type closeHook struct {
	net.Listener
	closing func()
}

func (l *closeHook) Close() error {
	l.closing()
	return l.Listener.Close()
}

// check runs the check once, the first time the listener closes.
func (tr *tracker) check() {
	tr.once.Do(func() {
		if client := tr.srv.Client(); client != nil {
			if idle, ok := client.Transport.(interface{ CloseIdleConnections() }); ok {
				idle.CloseIdleConnections()
			}
		}
		tr.err = tr.c.find(context.Background(), newRecord(), ", when the server began to close")
	})
}

func (tr *tracker) saw(nc net.Conn, st http.ConnState) {
	k := conn{addrPortOf(nc.LocalAddr()), addrPortOf(nc.RemoteAddr())}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if st == http.StateClosed {
		delete(tr.conns, k)
		return
	}
	tr.conns[k] = st
}

// managed reports whether a socket is the server's end of a connection
// net/http still manages, which Close closes or waits for.
func (tr *tracker) managed(k netstat.Socket) bool {
	return k.Local.Port() == tr.port && !tr.isHijacked(connOf(k))
}

func (tr *tracker) isHijacked(k conn) bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.conns[k] == http.StateHijacked
}

func addrPortOf(a net.Addr) netip.AddrPort {
	if t, ok := a.(*net.TCPAddr); ok {
		ap := t.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	ap, _ := netip.ParseAddrPort(fmt.Sprint(a))
	return ap
}
