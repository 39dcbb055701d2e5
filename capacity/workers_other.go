//go:build !linux

package capacity

import "os/exec"

// setDeathSignal does nothing outside Linux; workers still stop when
// their output pipe breaks.
func setDeathSignal(*exec.Cmd) {}
