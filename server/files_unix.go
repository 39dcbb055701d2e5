//go:build unix

package server

import "syscall"

// openFilesLimit is the process's soft open-files limit (RLIMIT_NOFILE),
// or 0 when it cannot be read.
func openFilesLimit() uint64 {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0
	}
	return uint64(r.Cur) // int64 on some BSDs
}
