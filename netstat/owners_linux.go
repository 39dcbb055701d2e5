//go:build linux

package netstat

import (
	"bytes"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// scanSockets calls visit with the inode of every socket among the file
// descriptors of process pid (/proc/PID/fd/N -> "socket:[INODE]"), until
// visit returns false. It reads the links with readlinkat on the
// directory and one buffer, without a string per link.
func scanSockets(pid int32, visit func(inode uint32) bool) error {
	dir, err := os.Open("/proc/" + strconv.Itoa(int(pid)) + "/fd")
	if err != nil {
		return err
	}
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return err
	}
	dirfd := int(dir.Fd())
	var buf [64]byte
	for _, name := range names {
		n, err := unix.Readlinkat(dirfd, name, buf[:])
		if err != nil || n == len(buf) {
			continue // closed meanwhile, or a long path: not a socket
		}
		if inode, ok := socketInode(buf[:n]); ok && !visit(inode) {
			return nil
		}
	}
	return nil
}

// socketInode parses a socket's link target, "socket:[12345]".
func socketInode(link []byte) (uint32, bool) {
	rest, ok := bytes.CutPrefix(link, []byte("socket:["))
	if !ok || len(rest) < 2 || rest[len(rest)-1] != ']' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(rest[:len(rest)-1]), 10, 32)
	return uint32(n), err == nil
}

// inodesOf returns the inodes of process pid's sockets.
func inodesOf(pid int32) (map[uint32]bool, error) {
	own := map[uint32]bool{}
	err := scanSockets(pid, func(inode uint32) bool { own[inode] = true; return true })
	return own, err
}

// findOwners gives each inode of want the pid of a process holding it,
// walking the processes of /proc until every inode has one. Processes it
// may not read (another user's, when not root) or that exit meanwhile are
// skipped: their sockets keep pid 0, as with gopsutil.
func findOwners(want map[uint32]int32) {
	left := len(want)
	if left == 0 {
		return
	}
	proc, err := os.Open("/proc")
	if err != nil {
		return
	}
	defer proc.Close()
	names, _ := proc.Readdirnames(-1)
	for _, name := range names {
		pid, err := strconv.ParseInt(name, 10, 32)
		if err != nil {
			continue
		}
		scanSockets(int32(pid), func(inode uint32) bool {
			if p, ok := want[inode]; ok && p == 0 {
				want[inode] = int32(pid)
				left--
			}
			return left > 0
		})
		if left == 0 {
			return
		}
	}
}
