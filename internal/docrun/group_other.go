//go:build !unix

package docrun

import "os/exec"

// newGroup does nothing where there are no process groups: make docs and
// docs-check run the lessons' bash scripts on Linux and other Unix systems.
func newGroup(*exec.Cmd) {}

// signalGroup does nothing where there are no process groups.
func signalGroup(int, bool) {}
