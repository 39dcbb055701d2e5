//go:build linux

package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// procRoot is where Linux shows its processes.
const procRoot = "/proc"

// alive reports whether pid is a running process: a zombie (exited, not
// yet reaped by its parent) counts as gone.
func alive(pid int32) bool {
	b, err := os.ReadFile(fmt.Sprintf("%s/%d/stat", procRoot, pid))
	if err != nil {
		return false
	}
	// pid (comm) state ...: the command name may hold spaces and ") ", so
	// the state follows the last ')'.
	stat := string(b)
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return false
	}
	rest := strings.TrimLeft(stat[i+1:], " ")
	return rest != "" && rest[0] != 'Z' && rest[0] != 'X'
}

// checkReadable says why the sockets of pid cannot be read: no such
// process, or another user's process. The census alone would return an
// empty list for a process whose descriptors it may not read.
func checkReadable(pid int32) error {
	if !alive(pid) {
		return fmt.Errorf("no process with pid %d; is it still running? (check with ps)", pid)
	}
	f, err := os.Open(fmt.Sprintf("%s/%d/fd", procRoot, pid))
	if err == nil {
		f.Close()
		return nil
	}
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("pid %d belongs to %s: permission denied reading its sockets (%v); run as that user or as root", pid, ownerOf(pid), err)
	}
	return fmt.Errorf("read the descriptors of pid %d: %w", pid, err)
}

// ownerOf names the owner of a process, e.g. "uid 1000".
func ownerOf(pid int32) string {
	info, err := os.Stat(fmt.Sprintf("%s/%d", procRoot, pid))
	if err != nil {
		return "another user"
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprintf("uid %d", st.Uid)
	}
	return "another user"
}

// sameNetns reports whether pid lives in this process's network
// namespace (true when it cannot tell).
func sameNetns(pid int32) bool {
	mine, err1 := os.Readlink(procRoot + "/self/ns/net")
	theirs, err2 := os.Readlink(fmt.Sprintf("%s/%d/ns/net", procRoot, pid))
	return err1 != nil || err2 != nil || mine == theirs
}
