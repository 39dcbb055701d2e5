package capacity

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// watcher notices the end of held connections that have nothing else to
// do (ModeTCP without Ping) with one goroutine reading one epoll set,
// instead of a goroutine per connection: a held connection then costs its
// net.Conn and a map entry, and opening it costs one epoll_ctl instead of
// a goroutine, its first read and its stack in every GC cycle.
type watcher struct {
	t    *Tester
	epfd int
	wake int // an eventfd, token 0: written by stop
	mu   sync.Mutex
	held map[uint64]watched
	next uint64
	done chan struct{}
}

type watched struct {
	s *slot
	c net.Conn
}

func newWatcher(t *Tester) (*watcher, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("create an epoll set: %w", err)
	}
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err == nil {
		err = unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wake, &unix.EpollEvent{Events: unix.EPOLLIN})
	}
	if err != nil {
		_ = unix.Close(epfd)
		return nil, fmt.Errorf("create the watcher's eventfd: %w", err)
	}
	w := &watcher{t: t, epfd: epfd, wake: wake, held: make(map[uint64]watched, t.cfg.Connections), done: make(chan struct{})}
	go w.run()
	return w, nil
}

// add watches c, held by slot s, until it ends or the run closes it.
func (w *watcher) add(s *slot, c net.Conn) error {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return errors.New("not a socket")
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.next++
	tok := w.next
	w.held[tok] = watched{s, c}
	w.mu.Unlock()
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLET, Fd: int32(uint32(tok)), Pad: int32(tok >> 32)}
	var cerr error
	if err = rc.Control(func(fd uintptr) { cerr = unix.EpollCtl(w.epfd, unix.EPOLL_CTL_ADD, int(fd), &ev) }); err == nil {
		err = cerr
	}
	if err != nil {
		w.forget(tok)
	}
	return err
}

func (w *watcher) forget(tok uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.held, tok)
}

// run reads the epoll set until stop.
func (w *watcher) run() {
	defer close(w.done)
	events := make([]unix.EpollEvent, 256)
	buf := make([]byte, 512)
	for {
		n, err := unix.EpollWait(w.epfd, events, -1)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return
		}
		for _, ev := range events[:max(n, 0)] {
			tok := uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
			if tok == 0 {
				return
			}
			w.check(tok, buf)
		}
	}
}

// check reads what a connection has; one that ended is reported.
func (w *watcher) check(tok uint64, buf []byte) {
	w.mu.Lock()
	h, ok := w.held[tok]
	w.mu.Unlock()
	if !ok {
		return
	}
	if err := drain(h.c, buf); err != nil {
		w.forget(tok)
		_ = h.c.Close()
		w.t.failed(h.s, err)
	}
}

// drain reads until the socket has nothing more; it returns io.EOF when
// the peer closed, the error that ended the connection, or nil.
func drain(c net.Conn, buf []byte) error {
	rc, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		return err
	}
	var rerr error
	err = rc.Read(func(fd uintptr) bool {
		for {
			n, err := unix.Read(int(fd), buf)
			switch {
			case n > 0 || errors.Is(err, unix.EINTR):
				continue
			case errors.Is(err, unix.EAGAIN):
			case err != nil:
				rerr = os.NewSyscallError("read", err)
			default:
				rerr = io.EOF
			}
			return true
		}
	})
	if err != nil {
		return err // closed by the run
	}
	return rerr
}

// stop ends run and closes the epoll set; the run closes the connections.
func (w *watcher) stop() {
	_, _ = unix.Write(w.wake, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	<-w.done
	_ = unix.Close(w.wake)
	_ = unix.Close(w.epfd)
}
