//go:build !linux

package capacity

import (
	"errors"
	"net"
)

// watcher is Linux only; elsewhere every held connection has a goroutine.
type watcher struct{}

func newWatcher(*Tester) (*watcher, error) { return nil, errors.New("no epoll here") }

func (*watcher) add(*slot, net.Conn) error { return errors.New("no epoll here") }

func (*watcher) stop() {}
