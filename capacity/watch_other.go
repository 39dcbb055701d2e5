//go:build !linux

package capacity

import (
	"fmt"
	"net"
	"runtime"
)

// watcher is Linux only (epoll); elsewhere every held connection has a
// goroutine that reads it, which costs its stack per connection.
type watcher struct{}

func newWatcher(*Tester) (*watcher, error) { return nil, errNoWatcher }

func (*watcher) add(*slot, net.Conn) error { return errNoWatcher }

func (*watcher) stop() {}

var errNoWatcher = fmt.Errorf("the epoll watcher of held connections is not supported on %s, only on Linux; each connection gets a reading goroutine", runtime.GOOS)
