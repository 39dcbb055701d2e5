//go:build linux

package netstat

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
// the process the filtered dump did not return is not TCP (nor MPTCP,
// whose TCP subflows carry the descriptor's inode), and dumps again
// without the filter when one is, and for that process's next 30 s.

const (
	bcCgroupCond  = 13            // INET_DIAG_BC_CGROUP_COND: u64 cgroup v2 id
	bcCgroupBytes = bcOpBytes + 8 // the op and the id
	sockProtoAttr = "system.sockprotoname"
	// missMemory is how long a process whose sockets the filter missed is
	// counted without it.
	missMemory = 30 * time.Second
)

// tcpProtos are the protocol names (sk_prot->name) of the sockets whose
// connections a TCP dump holds.
var tcpProtos = []string{"TCP", "TCPv6", "MPTCP", "MPTCPv6"}

// bcCgroupOp is the op cgroupFilter writes; a test makes it one no kernel
// knows, to see the census fall back.
var bcCgroupOp byte = bcCgroupCond

// noCgroupFilter is set once the kernel has refused the cgroup filter
// (before 5.9, or without CONFIG_SOCK_CGROUP_DATA): a census by pid then
// asks for every socket.
var noCgroupFilter atomic.Bool

// cgroupFilter compiles "the socket was created in cgroup id": one op that
// falls through when it holds and jumps 4 bytes past the end when not.
func cgroupFilter(id uint64) []byte {
	b := make([]byte, bcCgroupBytes)
	b[0], b[1] = bcCgroupOp, bcCgroupBytes
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
	dir, ok := cgroupDir(rel, cgroup2Mounts())
	if !ok {
		return 0, false
	}
	h, _, err := unix.NameToHandleAt(unix.AT_FDCWD, dir, 0)
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
			return p, strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "/..")
		}
	}
	return "", false
}

type mount struct{ dir, root string }

// cgroupDir is the directory of cgroup rel under the first of mounts whose
// root holds it.
func cgroupDir(rel string, mounts []mount) (string, bool) {
	for _, m := range mounts {
		switch {
		case m.root == "/":
			return filepath.Join(m.dir, rel), true
		case rel == m.root || strings.HasPrefix(rel, m.root+"/"):
			return filepath.Join(m.dir, strings.TrimPrefix(rel, m.root)), true
		}
	}
	return "", false
}

// cgroup2Mounts finds where cgroup v2 is mounted, once: each mount point
// and the cgroup its root is (mountinfo's root field: "/" but in some
// containers).
var cgroup2Mounts = sync.OnceValue(func() []mount {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []mount
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		fields, fs := strings.Fields(pre), strings.Fields(post)
		if ok && len(fields) >= 5 && len(fs) > 0 && fs[0] == "cgroup2" {
			out = append(out, mount{dir: unescapeMount(fields[4]), root: unescapeMount(fields[3])})
		}
	}
	return out
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
// system.sockprotoname per descriptor. A name it may not read counts as
// TCP: a census must not drop sockets on a guess. A TCP descriptor that
// no longer holds the inode the scan saw was closed, and its number
// reused, while the kernel dumped: not a miss.
func missedTCP(d *dumped, fds socketFDs, pid int32) bool {
	found := make(map[uint32]bool, len(d.inodes))
	for _, inode := range d.inodes {
		found[inode] = true
	}
	if len(found) == len(fds) {
		return false // every socket descriptor came back
	}
	dir := "/proc/" + strconv.Itoa(int(pid)) + "/fd/"
	var name [32]byte
	for inode, fd := range fds {
		if found[inode] {
			continue
		}
		path := dir + strconv.Itoa(fd)
		n, err := unix.Getxattr(path, sockProtoAttr, name[:])
		switch {
		case err == unix.ENOENT || err == unix.EBADF:
			continue // closed meanwhile
		case err != nil:
			return true
		case !slices.Contains(tcpProtos, string(bytes.TrimRight(name[:n], "\x00"))):
			continue
		}
		if now, err := os.Readlink(path); err == nil {
			if again, ok := socketInode([]byte(now)); ok && again != inode {
				continue // the descriptor was closed and its number reused
			}
		}
		return true
	}
	return false
}

// cgroupMisses remembers the processes whose sockets the filter missed,
// and until when to count them without it.
var cgroupMisses = struct {
	sync.Mutex
	until map[int32]time.Time
}{until: map[int32]time.Time{}}

// missedRecently reports whether the filter missed pid's sockets within
// missMemory.
func missedRecently(pid int32) bool {
	cgroupMisses.Lock()
	defer cgroupMisses.Unlock()
	return time.Now().Before(cgroupMisses.until[pid])
}

// rememberMiss counts pid without the filter for missMemory, and forgets
// the processes whose time is up.
func rememberMiss(pid int32) {
	cgroupMisses.Lock()
	defer cgroupMisses.Unlock()
	now := time.Now()
	for p, t := range cgroupMisses.until {
		if now.After(t) {
			delete(cgroupMisses.until, p)
		}
	}
	cgroupMisses.until[pid] = now.Add(missMemory)
}
