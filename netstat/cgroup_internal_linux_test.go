//go:build linux

package netstat

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestCgroupFilterLayout(t *testing.T) {
	b := cgroupFilter(0x1122334455667788)
	require.Len(t, b, 12)
	assert.Equal(t, byte(bcCgroupCond), b[0], "op code")
	assert.Equal(t, byte(12), b[1], "yes: fall through to the end, the socket passes")
	assert.Equal(t, uint16(16), binary.NativeEndian.Uint16(b[2:]), "no: 4 bytes past the end, the socket is dropped")
	assert.Equal(t, uint64(0x1122334455667788), binary.NativeEndian.Uint64(b[4:]))
}

func TestParseCgroupFile(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string
		ok   bool
	}{
		{"0::/system.slice/shop.service\n", "/system.slice/shop.service", true},
		{"12:pids:/x\n1:name=systemd:/y\n0::/kubepods/pod1/c2\n", "/kubepods/pod1/c2", true},
		{"0::/\n", "/", true},
		{"0::/../../other\n", "", false}, // outside this cgroup namespace
		{"0::/a/..b\n", "/a/..b", true},  // a name that starts with two dots
		{"4:memory:/x\n", "", false},     // cgroup v1 alone
		{"", "", false},
	} {
		got, ok := parseCgroupFile([]byte(tc.text))
		assert.Equal(t, tc.ok, ok, "%q", tc.text)
		if tc.ok {
			assert.Equal(t, tc.want, got, "%q", tc.text)
		}
	}
}

func TestUnescapeMount(t *testing.T) {
	assert.Equal(t, "/sys/fs/cgroup", unescapeMount("/sys/fs/cgroup"))
	assert.Equal(t, "/mnt/my cgroups", unescapeMount(`/mnt/my\040cgroups`))
	assert.Equal(t, `/odd\x`, unescapeMount(`/odd\x`))
}

// TestCgroupIDOfSelf checks the id against the kernel's: a dump filtered
// by it returns this process's listener, one by another id none of this
// process's sockets.
func TestCgroupIDOfSelf(t *testing.T) {
	id, ok := cgroupID(int32(os.Getpid()))
	if !ok {
		t.Skip("no cgroup v2 here, or this process's cgroup is out of sight")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	own, err := inodesOf(int32(os.Getpid()))
	require.NoError(t, err)
	fd, err := openSockDiag()
	require.NoError(t, err)
	defer unix.Close(fd)
	ports := func(id uint64) []uint16 {
		d, err := dump(context.Background(), fd, 0xfff&^unowned, cgroupFilter(id), own.has)
		if errors.Is(err, unix.EINVAL) {
			t.Skip("this kernel has no inet_diag cgroup filter (Linux 5.9, CONFIG_SOCK_CGROUP_DATA)")
		}
		require.NoError(t, err)
		var out []uint16
		for _, k := range d.decode(nil).sockets {
			out = append(out, k.Local.Port())
		}
		return out
	}
	assert.Contains(t, ports(id), port, "this process's listener is in its cgroup")
	assert.Empty(t, ports(id+1<<40), "no socket of this process is in another cgroup")
}

// TestKernelRefusesBadFilter checks what dumpCgroup counts on to tell a
// kernel without the cgroup filter: an op it does not know is refused
// with EINVAL.
func TestKernelRefusesBadFilter(t *testing.T) {
	fd, err := openSockDiag()
	require.NoError(t, err)
	defer unix.Close(fd)
	bad := cgroupFilter(1)
	bad[0] = 99
	_, err = dump(context.Background(), fd, 0xfff, bad, nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, unix.EINVAL), "%v", err)
}

func TestCgroupDir(t *testing.T) {
	whole := mount{dir: "/sys/fs/cgroup", root: "/"}
	part := mount{dir: "/sys/fs/cgroup", root: "/kubepods/pod1"}
	for _, tc := range []struct {
		rel    string
		mounts []mount
		want   string
	}{
		{"/system.slice/shop.service", []mount{whole}, "/sys/fs/cgroup/system.slice/shop.service"},
		{"/", []mount{whole}, "/sys/fs/cgroup"},
		{"/kubepods/pod1/c2", []mount{part}, "/sys/fs/cgroup/c2"},
		{"/kubepods/pod1", []mount{part}, "/sys/fs/cgroup"},
		{"/kubepods/pod10", []mount{part}, ""},
		{"/other", []mount{part, {dir: "/mnt/all", root: "/"}}, "/mnt/all/other"},
		{"/x", nil, ""},
	} {
		got, ok := cgroupDir(tc.rel, tc.mounts)
		assert.Equal(t, tc.want != "", ok, "%s in %v", tc.rel, tc.mounts)
		assert.Equal(t, tc.want, got, "%s in %v", tc.rel, tc.mounts)
	}
}

// TestOwnDescriptorsTwoWays reads this process's socket descriptors with
// statx, as the census of its own process does, and from their links, as
// for any other process, each over every descriptor: the two must agree.
func TestOwnDescriptorsTwoWays(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	require.Equal(t, int32(os.Getpid()), procSelf())
	viaStatx, err := inodesOf(procSelf())
	require.NoError(t, err)
	require.False(t, noStatx.Load(), "statx refused here")
	dir, err := os.Open("/proc/self/fd")
	require.NoError(t, err)
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	require.NoError(t, err)
	linked := linkedSocket(int(dir.Fd()))
	viaLinks := socketFDs{}
	for _, name := range names {
		fd, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		if inode, ok := linked(name, fd); ok {
			viaLinks[inode] = fd
		}
	}
	for inode, fd := range viaStatx {
		got, ok := linked(strconv.Itoa(fd), fd)
		require.True(t, ok, "descriptor %d", fd)
		assert.Equal(t, inode, got, "descriptor %d", fd)
	}
	assert.GreaterOrEqual(t, len(viaStatx), 2, "the listener and the dialled end at least")
	assert.Equal(t, viaStatx, viaLinks)
}
