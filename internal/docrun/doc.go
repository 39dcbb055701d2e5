// Package docrun keeps the output shown in the lessons true.
//
// A lesson marks each command it shows with an HTML comment right before
// the fenced block that holds the command's output:
//
//	<!-- run: leaklab compare -delay 200ms -interval 20ms -duration 2s -chart=false
//	quick: leaklab compare -delay 200ms -interval 20ms -duration 1s -chart=false
//	check: columns,verdict
//	expect: row.fixed["settled ESTAB"] == 2 -->
//
// Fields start a line of the comment or follow " | " on one line:
//
//   - run: the shell lines that make the block, run by bash in a work
//     directory of the document with bin/ first in PATH. Each line is
//     shown in the block as "$ line", then its output; a line that starts
//     with @ runs without being shown. ${name} in a shown line is shown
//     expanded (e.g. a port read from a file by a hidden line). Hidden
//     lines may call waitport PORT, which waits until a server listens,
//     and quietport PORT, which waits until an earlier run's sockets
//     (TIME_WAIT included) are gone from the port.
//   - quick: the compressed form that docs-check runs instead (default: run);
//     "quick: -" leaves a block too heavy for CI to make docs alone.
//   - from: take the block from a file an earlier block of the same
//     document left in the work directory (a server's log).
//   - check: what docs-check compares between the block and a fresh run:
//     columns (table headers), rows (table rows), verdict (the LEAKING and
//     BOUNDED sentences), skeleton (every line but its numbers), none
//     (only the expect claims); default columns,rows,verdict,skeleton.
//   - tol: how far a number may move, "20%+3" (20 percent plus 3) or "0%"
//     (exactly); without tol numbers are not compared, since the load's
//     counts move with the machine's load. Numbers are compared only when
//     the block was made by the form that is being checked; durations and
//     sizes never are.
//   - expect: a claim of the prose as an expression (expr-lang) over the
//     fresh output, checked by make docs and docs-check alike:
//     row.NAME.COLUMN for table cells (a cell that starts with a number
//     is that number), cell.NAME.COLUMN for the same cell as text,
//     kv.NAME for the last "Name: N" or name=N, re(`pattern`) for the
//     number the pattern's first group captures, nums(`pattern`) for all
//     of them (max(nums(...))), count(`pattern`) for the number of lines
//     that match, has(`pattern`). Several expect fields may be given.
//   - grep, drop, ignore: regular expressions: keep only the output lines
//     that match, drop the ones that match, or show them but leave them out
//     of the checks. fold: a run of more than three identical consecutive
//     lines that match becomes the first, a count and the last; cut: the
//     same for any run of lines that match.
//   - cwd: repo runs the block in the repository's root (for its scripts).
//   - prompt: no leaves the "$ line" lines out; stderr: drop leaves the
//     commands' standard error out; timeout: how long the block may run.
//
// A Go block presented as a complete file is marked
//
//	<!-- file: weather/weather.go -->
//
// and Files extracts such blocks so that a test can build and vet them.
// The marked files of a document are also written into its work directory
// (inside the module) before its blocks run, so that a block may show
// go test on them.
//
// Run executes a marker's script in its own process group and kills that
// group when the script ends or times out, so a server started with & in a
// lesson never outlives its block; a script that leaves a process behind
// fails, so that every lesson shows how to stop what it starts.
package docrun
