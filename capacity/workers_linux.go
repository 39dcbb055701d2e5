package capacity

import (
	"os/exec"
	"syscall"
)

// setDeathSignal has the kernel send SIGTERM to the worker when this
// process dies, so no worker outlives its parent.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
