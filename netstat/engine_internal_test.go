package netstat

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAutoFallsBackToGopsutilWithOneNote(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("netlink is Linux only: elsewhere auto counts with gopsutil without dialling, so there is no refusal to note")
	}
	a := &auto{dial: func() (int, error) {
		return -1, fmt.Errorf("open a netlink sock_diag socket: %w", syscall.EPERM)
	}}
	var notes strings.Builder
	for range 3 {
		snap, err := a.take(context.Background(), Self(), Options{Notes: &notes})
		require.NoError(t, err)
		assert.Equal(t, EngineGopsutil, snap.Engine)
	}
	assert.Equal(t, 1, strings.Count(notes.String(), "\n"), "one note for three censuses: %q", notes.String())
	assert.Contains(t, notes.String(), "operation not permitted")
	assert.Contains(t, notes.String(), "gopsutil")
}

func TestAutoReturnsOtherNetlinkErrors(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("netlink is Linux only")
	}
	boom := errors.New("boom")
	a := &auto{dial: func() (int, error) { return -1, boom }}
	var notes strings.Builder
	_, err := a.take(context.Background(), Self(), Options{Notes: &notes})
	assert.ErrorIs(t, err, boom, "a failure that is not a refusal is the census's error")
	assert.Empty(t, notes.String())
}

func TestAutoIsNetlinkOnLinux(t *testing.T) {
	a := &auto{dial: openSockDiag}
	snap, err := a.take(context.Background(), Self(), Options{})
	require.NoError(t, err)
	want := EngineNetlink
	if runtime.GOOS != "linux" {
		want = EngineGopsutil
	}
	assert.Equal(t, want, snap.Engine)
}

func TestParseEngine(t *testing.T) {
	for _, s := range []string{"", "auto", "netlink", "gopsutil"} {
		_, err := ParseEngine(s)
		assert.NoError(t, err, s)
	}
	_, err := ParseEngine("ss")
	assert.ErrorContains(t, err, `unknown census engine "ss"; use auto, netlink or gopsutil`)
	_, err = TakeWith(context.Background(), Self(), Options{Engine: "ss"})
	assert.ErrorContains(t, err, `census engine "ss" is unknown`)
}
