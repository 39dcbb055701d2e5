package docrun

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Runner runs marker scripts.
type Runner struct {
	Bin     string        // directory put first in PATH (bin/ with leaklab in it)
	Dir     string        // work directory the scripts run in
	Timeout time.Duration // per script when the marker names none
	Env     []string      // extra environment (NAME=value)
}

// varRE finds ${name} in a shown line.
var varRE = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*\}`)

// BuildScript turns script lines into a bash program: each shown line is
// printed as "$ line" (with ${name} expanded) before it runs.
func BuildScript(lines []string, prompt bool) string {
	var b strings.Builder
	b.WriteString(preamble)
	for _, l := range lines {
		cmd, hidden := strings.CutPrefix(l, "@")
		cmd = strings.TrimSpace(cmd)
		if !hidden && prompt {
			b.WriteString("printf '%s\\n' " + displayWord("$ "+cmd) + "\n")
		}
		b.WriteString(cmd + "\n")
	}
	return b.String()
}

// preamble defines what hidden lines may use: waitport PORT waits (up to
// 10 s) until something listens on the loopback port, as leaklab's census
// sees it, so that a client never races the server a line before started;
// quietport PORT waits (up to 70 s) until no socket of an earlier run is
// left on the port, TIME_WAIT included, so that a rerun's counts are its own.
const preamble = `waitport() {
	for _ in $(seq 200); do
		leaklab census -port "$1" -format json 2>/dev/null | grep -q '"listen":[1-9]' && return 0
		sleep 0.05
	done
	echo "waitport: nothing listens on port $1 after 10s" >&2
	return 1
}
quietport() {
	for _ in $(seq 700); do
		leaklab census -port "$1" -format json 2>/dev/null | grep -q '"server":{},"client":{},"listen":0' && return 0
		sleep 0.1
	done
	echo "quietport: sockets of an earlier run still on port $1 after 70s" >&2
	return 1
}
`

// displayWord quotes s for bash, leaving its ${name} references expanded.
func displayWord(s string) string {
	var b strings.Builder
	last := 0
	for _, loc := range varRE.FindAllStringIndex(s, -1) {
		b.WriteString(shellQuote(s[last:loc[0]]))
		b.WriteString(`"` + s[loc[0]:loc[1]] + `"`)
		last = loc[1]
	}
	b.WriteString(shellQuote(s[last:]))
	return b.String()
}

func shellQuote(s string) string {
	if s == "" {
		return ""
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ErrStray reports a script that left processes behind; they were killed.
var ErrStray = errors.New("the script left processes running (killed): stop every server it starts, e.g. kill %1")

// Run runs the script lines with bash in r.Dir and returns what they
// printed, standard error included unless dropStderr. The script runs in a
// process group of its own, which is killed when the script ends, fails or
// runs past its timeout: nothing it started outlives it.
func (r *Runner) Run(ctx context.Context, lines []string, prompt, dropStderr bool, timeout time.Duration) (string, error) {
	if timeout <= 0 {
		timeout = r.Timeout
	}
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.Command("bash", "--noprofile", "--norc", "-c", BuildScript(lines, prompt))
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(), "PATH="+r.Bin+string(filepath.ListSeparator)+os.Getenv("PATH"), "NO_COLOR=1", "TERM=dumb")
	cmd.Env = append(cmd.Env, r.Env...)
	// Output goes to a file, not a pipe: a process the script left behind
	// would hold a pipe open and Wait with it.
	f, err := os.CreateTemp("", "docrun-out-")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	cmd.Stdout = f
	if !dropStderr {
		cmd.Stderr = f
	}
	output := func() string {
		b, _ := os.ReadFile(f.Name())
		return string(b)
	}
	newGroup(cmd)
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start bash: %w", err)
	}
	pgid := cmd.Process.Pid
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		killGroup(pgid)
		<-done
		return output(), fmt.Errorf("script still running after %s (killed): %w", timeout, ctx.Err())
	}
	if killGroup(pgid) {
		return output(), ErrStray
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return output(), err
	}
	// A script's exit status is its last line's; lessons show failing
	// commands on purpose, so a non-zero status is output, not an error.
	return output(), nil
}

// killGroup ends every process of the group. A group that empties by
// itself within a grace period (a server stopped by kill %1 that is still
// writing its summary) is fine; what is still there then gets SIGTERM,
// and SIGKILL a second later. It says whether any process had to be killed.
func killGroup(pgid int) (stray bool) {
	if waitEmpty(pgid, 3*time.Second) {
		return false
	}
	signalGroup(pgid, false)
	if !waitEmpty(pgid, time.Second) {
		signalGroup(pgid, true)
		waitEmpty(pgid, 5*time.Second)
	}
	return true
}

func waitEmpty(pgid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if len(GroupMembers(pgid)) == 0 {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// GroupMembers lists the live (not zombie) processes of group pgid, read
// from /proc: a zombie has ended and holds no socket, and a container's
// first process may never reap it.
func GroupMembers(pgid int) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces and parens.
		rest := string(b)
		if i := strings.LastIndexByte(rest, ')'); i >= 0 {
			rest = rest[i+1:]
		}
		f := strings.Fields(rest)
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		if g, err := strconv.Atoi(f[2]); err == nil && g == pgid {
			out = append(out, pid)
		}
	}
	return out
}
