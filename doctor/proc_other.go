//go:build !linux

package doctor

// Elsewhere than Linux there is no /proc to read: a process is taken as
// alive and readable, and a census that fails says why.

func alive(pid int32) bool          { return true }
func checkReadable(pid int32) error { return nil }
func sameNetns(pid int32) bool      { return true }
