//go:build !unix

package server

// openFilesLimit is 0 where there is no RLIMIT_NOFILE: no default cap.
func openFilesLimit() uint64 { return 0 }
