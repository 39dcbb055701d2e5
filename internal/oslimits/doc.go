// Package oslimits reads the operating system's limits on what one
// process can hold: the open-files limit (RLIMIT_NOFILE), the ephemeral
// port range that connect() picks source ports from, and the process's
// resident memory. The server, the capacity tester and the command line
// read them here, so each OS's way of reading them is written once.
//
// Where an OS has no such limit, or this package cannot read it there,
// the functions return an error that wraps ErrNotSupported and names the
// OS.
package oslimits
