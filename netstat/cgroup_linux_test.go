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
	dir, err := cgrouptest.New(t)
	if err != nil {
		t.Skip(err)
	}
	_, ds := holdConnsEnv(t, []string{cgrouptest.Env + "=" + dir}, 20, "127.0.0.1")
	target := ds[0].pid()
	served, err := netstat.CgroupFilterServed(target)
	require.NoError(t, err)
	assert.True(t, served, "the census of a process alone in its cgroup should use the cgroup filter")
	got := censusRows(t, target)
	assert.Len(t, got, 20)
}

// TestCgroupCensusSocketMadeElsewhere watches a process that opened its 20
// connections and then moved to another cgroup: its sockets stay in the
// first, so the filtered dump misses them, the census sees TCP sockets
// among the process's descriptors that the dump did not return, and asks
// again without the filter.
func TestCgroupCensusSocketMadeElsewhere(t *testing.T) {
	dir, err := cgrouptest.New(t)
	if err != nil {
		t.Skip(err)
	}
	_, ds := holdConnsEnv(t, []string{lateCgroupEnv + "=" + dir}, 20, "127.0.0.1")
	target := ds[0].pid()
	served, err := netstat.CgroupFilterServed(target)
	require.NoError(t, err)
	assert.False(t, served, "the cgroup filter cannot see sockets made before the process moved")
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
	restore := netstat.SetCgroupFilter(false)
	unfiltered := take(netstat.EngineNetlink)
	restore()
	assert.Equal(t, unfiltered, filtered, "netlink with and without the cgroup filter")
	assert.Equal(t, take(netstat.EngineGopsutil), filtered, "netlink and gopsutil")
	return filtered
}
