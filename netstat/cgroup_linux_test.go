//go:build linux

package netstat_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leaklab/leaklab/internal/cgrouptest"
	"github.com/leaklab/leaklab/netstat"
)

// TestCgroupCensus watches a process with a cgroup to itself, holding 20
// connections, a UDP socket and a unix socket pair: the census by pid is
// served by the kernel's cgroup filter (the sockets that are not TCP do not
// make it doubt), and lists the same sockets as the census without the
// filter and as the gopsutil engine.
func TestCgroupCensus(t *testing.T) {
	dir := newCgroup(t)
	_, ds := holdConnsEnv(t, []string{cgrouptest.Env + "=" + dir}, 20, "127.0.0.1")
	target := ds[0].pid()
	requireServed(t, target, true)
	got := censusRows(t, target)
	assert.Len(t, got, 20)
}

// TestCgroupCensusOfServer watches a server with a cgroup to itself: its
// listener (MPTCP, as Go makes them on Linux where the kernel has it: the
// TCP subflow carries the descriptor's inode) and the 20 connections it
// accepted are in the filtered dump, on the server side.
func TestCgroupCensusOfServer(t *testing.T) {
	dir := newCgroup(t)
	h := startChild(t, "hold", "", cgrouptest.Env+"="+dir)
	startChild(t, "dial", h.line+" 20 127.0.0.1")
	requireServed(t, h.pid(), true)
	got := censusRows(t, h.pid())
	require.Len(t, got, 21)
	sides := map[netstat.Side]int{}
	snap, err := netstat.TakeWith(context.Background(), netstat.Selector{Pid: h.pid()}, netstat.Options{Engine: netstat.EngineNetlink})
	require.NoError(t, err)
	for _, k := range snap.Sockets {
		sides[k.Side]++
	}
	assert.Equal(t, map[netstat.Side]int{netstat.SideListen: 1, netstat.SideServer: 20}, sides)
}

// TestCgroupFilterRefused gives the kernel a filter it does not know, as
// one before Linux 5.9 would see it: the census by pid falls back to
// every socket, with the same answer, and stops asking.
func TestCgroupFilterRefused(t *testing.T) {
	dir := newCgroup(t)
	_, ds := holdConnsEnv(t, []string{cgrouptest.Env + "=" + dir}, 5, "127.0.0.1")
	t.Cleanup(netstat.BreakCgroupFilter())
	snap, err := netstat.TakeWith(context.Background(), netstat.Selector{Pid: ds[0].pid()}, netstat.Options{Engine: netstat.EngineNetlink})
	require.NoError(t, err)
	assert.Equal(t, 5, snap.Count("", netstat.Established))
	assert.True(t, netstat.CgroupFilterRefused(), "the refusal is remembered")
}

// TestCgroupCensusSocketMadeElsewhere watches a process that opened its 20
// connections and then moved to another cgroup: its sockets stay in the
// first, so the filtered dump misses them, the census sees TCP sockets
// among the process's descriptors that the dump did not return, and asks
// again without the filter.
func TestCgroupCensusSocketMadeElsewhere(t *testing.T) {
	dir := newCgroup(t)
	_, ds := holdConnsEnv(t, []string{lateCgroupEnv + "=" + dir}, 20, "127.0.0.1")
	target := ds[0].pid()
	requireServed(t, target, false)
	got := censusRows(t, target)
	assert.Len(t, got, 20)
}

// censusRows takes the census of pid with the netlink engine, with and
// without the cgroup filter, and with gopsutil; the three must agree. It
// returns the rows.
func censusRows(t *testing.T, pid int32) []string {
	t.Helper()
	sel := netstat.Selector{Pid: pid}
	take := func(e netstat.Engine) []string {
		snap, err := netstat.TakeWith(context.Background(), sel, netstat.Options{Engine: e})
		require.NoError(t, err)
		for _, k := range snap.Sockets {
			require.Equal(t, pid, k.Pid, "%s", k)
		}
		return rows(snap.Sockets, true)
	}
	filtered := take(netstat.EngineNetlink)
	t.Cleanup(netstat.SetCgroupFilter(false))
	unfiltered := take(netstat.EngineNetlink)
	assert.Equal(t, unfiltered, filtered, "netlink with and without the cgroup filter")
	assert.Equal(t, take(netstat.EngineGopsutil), filtered, "netlink and gopsutil")
	return filtered
}

// newCgroup makes a cgroup for the test's helpers, or skips the test.
func newCgroup(t *testing.T) string {
	t.Helper()
	dir, err := cgrouptest.New(t)
	if err != nil {
		t.Skip(err)
	}
	return dir
}

// requireServed checks whether the census of pid is served by the cgroup
// filter; it skips the test on a kernel without the filter.
func requireServed(t *testing.T, pid int32, want bool) {
	t.Helper()
	served, err := netstat.CgroupFilterServed(pid)
	require.NoError(t, err)
	if netstat.CgroupFilterRefused() {
		t.Skip("this kernel has no inet_diag cgroup filter (Linux 5.9, CONFIG_SOCK_CGROUP_DATA)")
	}
	if want {
		assert.True(t, served, "the census of a process alone in its cgroup should use the cgroup filter")
	} else {
		assert.False(t, served, "the cgroup filter cannot see sockets made before the process moved")
	}
}
