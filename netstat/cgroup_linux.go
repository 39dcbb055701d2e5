//go:build linux

package netstat

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// The cgroup filter of a census by pid. inet_diag cannot filter by owner
// or inode, so a census by pid would have the kernel describe every socket
// in the namespace for the census to keep the process's own: about 1 µs a
// socket. It can filter by the cgroup v2 a socket was created in
// (INET_DIAG_BC_CGROUP_COND, Linux 5.9), and a service, a container or a
// pod's process usually has a cgroup to itself: the kernel then walks the
// other sockets without describing them. A socket made in another cgroup
// (created before the process moved, or passed in over a unix socket)
// would be missed, so the census checks that every socket descriptor of
// the process the filtered dump did not return is not TCP, and dumps
// again without the filter when one is.

const (
	bcCgroupCond  = 13            // INET_DIAG_BC_CGROUP_COND: u64 cgroup v2 id
	bcCgroupBytes = bcOpBytes + 8 // the op and the id
	tcpProtoIPv4  = "TCP"         // sk_prot->name of a TCP socket, IPv4
	tcpProtoIPv6  = "TCPv6"       // and IPv6
	sockProtoAttr = "system.sockprotoname"
)

// noCgroupFilter is set once the kernel has refused the cgroup filter
// (before 5.9, or without CONFIG_SOCK_CGROUP_DATA): a census by pid then
// asks for every socket.
var noCgroupFilter atomic.Bool

// cgroupFilter compiles "the socket was created in cgroup id": one op that
// falls through when it holds and jumps 4 bytes past the end when not.
func cgroupFilter(id uint64) []byte {
	b := make([]byte, bcCgroupBytes)
	b[0], b[1] = bcCgroupCond, bcCgroupBytes
	binary.NativeEndian.PutUint16(b[2:], bcCgroupBytes+bcOpBytes)
	binary.NativeEndian.PutUint64(b[bcOpBytes:], id)
	return b
}

// cgroupID returns the id of the cgroup v2 process pid is in, the number
// the kernel's filter compares: the kernfs id of its directory, which
// name_to_handle_at(2) returns as the handle. False when it cannot be
// known: no cgroup v2 mounted, a process outside this cgroup namespace,
// or a directory this process cannot see.
func cgroupID(pid int32) (uint64, bool) {
	rel, ok := cgroupPath(pid)
	if !ok {
		return 0, false
	}
	m, ok := cgroup2Mount()
	if !ok {
		return 0, false
	}
	if m.root != "/" {
		if rel != m.root && !strings.HasPrefix(rel, m.root+"/") {
			return 0, false
		}
		rel = strings.TrimPrefix(rel, m.root)
	}
	h, _, err := unix.NameToHandleAt(unix.AT_FDCWD, filepath.Join(m.dir, rel), 0)
	if err != nil || len(h.Bytes()) != 8 {
		return 0, false
	}
	return binary.NativeEndian.Uint64(h.Bytes()), true
}

// cgroupPath reads the process's cgroup v2 path from /proc/PID/cgroup,
// the "0::" line.
func cgroupPath(pid int32) (string, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(int(pid)) + "/cgroup")
	if err != nil {
		return "", false
	}
	return parseCgroupFile(b)
}

// parseCgroupFile finds the cgroup v2 path in the text of /proc/PID/cgroup.
func parseCgroupFile(b []byte) (string, bool) {
	for line := range bytes.Lines(b) {
		if rest, ok := bytes.CutPrefix(bytes.TrimRight(line, "\n"), []byte("0::")); ok {
			p := string(rest)
			// A process outside this cgroup namespace shows as "/../..".
			return p, strings.HasPrefix(p, "/") && !strings.Contains(p, "/..")
		}
	}
	return "", false
}

type mount struct{ dir, root string }

// cgroup2Mount finds where cgroup v2 is mounted, once: its mount point and
// the cgroup its root is (mountinfo's root field, "/" but in some
// containers).
var cgroup2Mount = sync.OnceValues(func() (mount, bool) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return mount{}, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		fields, fs := strings.Fields(pre), strings.Fields(post)
		if ok && len(fields) >= 5 && len(fs) > 0 && fs[0] == "cgroup2" {
			return mount{dir: unescapeMount(fields[4]), root: unescapeMount(fields[3])}, true
		}
	}
	return mount{}, false
})

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// missedTCP reports whether one of the process's socket descriptors (fds:
// inode to descriptor) holds a TCP socket the dump d did not return.
// Sockets of other kinds (unix, UDP, netlink) are never in a TCP dump;
// each is told apart by its protocol name, one getxattr(2) of
// system.sockprotoname per descriptor.
func missedTCP(d *dumped, fds socketFDs, pid int32) bool {
	if len(d.inodes) == len(fds) {
		return false // every socket descriptor came back
	}
	found := make(map[uint32]bool, len(d.inodes))
	for _, inode := range d.inodes {
		found[inode] = true
	}
	dir := "/proc/" + strconv.Itoa(int(pid)) + "/fd/"
	var name [16]byte
	for inode, fd := range fds {
		if found[inode] {
			continue
		}
		n, err := unix.Getxattr(dir+strconv.Itoa(fd), sockProtoAttr, name[:])
		if err != nil {
			continue // closed meanwhile
		}
		if p := string(bytes.TrimRight(name[:n], "\x00")); p == tcpProtoIPv4 || p == tcpProtoIPv6 {
			return true
		}
	}
	return false
}
