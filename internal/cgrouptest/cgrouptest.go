// Package cgrouptest gives tests and benchmarks a cgroup v2 of their own,
// to put helper processes in: the netlink census of a process that has a
// cgroup to itself asks the kernel for that cgroup's sockets alone, and
// the tests show both that case and the shared one.
//
// New needs cgroup v2 mounted and the right to make a directory at its
// top (root); where it cannot, it returns an error saying why, for the
// test to skip with. A helper process joins with Join, before it opens
// any socket: a socket stays in the cgroup it was created in.
package cgrouptest

import "os"

// Env is the environment variable through which a test tells a helper
// process the cgroup to join: Join(os.Getenv(Env)).
const Env = "LEAKLAB_TEST_CGROUP"

// JoinFromEnv moves the calling process into the cgroup Env names, if it
// names one.
func JoinFromEnv() error {
	if dir := os.Getenv(Env); dir != "" {
		return Join(dir)
	}
	return nil
}
