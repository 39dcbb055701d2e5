package docrun

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Problem is one way a fresh run no longer agrees with its block.
type Problem struct {
	Check string // columns, rows, verdict, skeleton, expect
	Msg   string
}

func (p Problem) String() string { return p.Check + ": " + p.Msg }

var verdictRE = regexp.MustCompile(`^(LEAKING|BOUNDED)\s`)

// Compare checks a fresh run's block lines against the block in the
// document, with the marker's checks. Numbers are compared (within the
// marker's tolerance, when it states one) only when sameForm: the block
// was made by the command that made got.
func (m *Marker) Compare(want, got []string, sameForm bool) []Problem {
	want, got = m.checked(want), m.checked(got)
	var ps []Problem
	for _, c := range m.Checks {
		switch c {
		case "columns":
			ps = append(ps, compareSeq(c, headers(want), headers(got), nil)...)
		case "rows":
			ps = append(ps, compareSeq(c, bodyRows(want), bodyRows(got), m.numTol(sameForm))...)
		case "verdict":
			ps = append(ps, compareSeq(c, matching(want, verdictRE), matching(got, verdictRE), m.numTol(sameForm))...)
		case "skeleton":
			ps = append(ps, compareSeq(c, collapse(want), collapse(got), m.numTol(sameForm))...)
		}
	}
	return ps
}

func (m *Marker) numTol(sameForm bool) *Tolerance {
	if !sameForm || m.Tol.Off {
		return nil
	}
	return &m.Tol
}

// checked leaves out what no check looks at: the "$ command" lines (the
// quick form's differ from the full form's), fold's counts and the lines
// the marker ignores.
func (m *Marker) checked(lines []string) []string {
	var out []string
	for _, l := range lines {
		if isPrompt(l) || foldRE.MatchString(l) || strings.TrimSpace(l) == "" || m.Ignore != nil && m.Ignore.MatchString(l) {
			continue
		}
		out = append(out, l)
	}
	return out
}

// headers are the lines right after a table's top rule.
func headers(lines []string) []string {
	var out []string
	for i := 1; i < len(lines); i++ {
		if strings.HasPrefix(lines[i-1], "┌") && strings.HasPrefix(lines[i], "│") {
			out = append(out, lines[i])
		}
	}
	return out
}

// bodyRows are a table's lines between its header rule and its bottom.
func bodyRows(lines []string) []string {
	var out []string
	for i, l := range lines {
		if strings.HasPrefix(l, "│") && (i == 0 || !strings.HasPrefix(lines[i-1], "┌")) {
			out = append(out, l)
		}
	}
	return out
}

func matching(lines []string, re *regexp.Regexp) []string {
	var out []string
	for _, l := range lines {
		if re.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

// collapse keeps one line of each run of lines with the same skeleton:
// a status line printed once more or once less is not a change.
func collapse(lines []string) []string {
	var out []string
	for _, l := range lines {
		if len(out) > 0 && Skeleton(out[len(out)-1]) == Skeleton(l) {
			continue
		}
		out = append(out, l)
	}
	return out
}

// compareSeq wants the same skeletons in the same order and, with a
// tolerance, each number within it.
func compareSeq(check string, want, got []string, tol *Tolerance) []Problem {
	var ps []Problem
	n := max(len(want), len(got))
	for i := range n {
		switch {
		case i >= len(got):
			ps = append(ps, Problem{check, fmt.Sprintf("line missing from the fresh run:\n    doc: %s", want[i])})
		case i >= len(want):
			ps = append(ps, Problem{check, fmt.Sprintf("line not in the doc:\n    run: %s", got[i])})
		case Skeleton(want[i]) != Skeleton(got[i]):
			ps = append(ps, Problem{check, fmt.Sprintf("line changed:\n    doc: %s\n    run: %s", want[i], got[i])})
		case tol != nil:
			if msg := compareNumbers(want[i], got[i], *tol); msg != "" {
				ps = append(ps, Problem{check, fmt.Sprintf("%s:\n    doc: %s\n    run: %s", msg, want[i], got[i])})
			}
		}
	}
	return ps
}

func compareNumbers(want, got string, tol Tolerance) string {
	w, g := Numbers(want), Numbers(got)
	if len(w) != len(g) {
		return "numbers differ in count"
	}
	for i := range w {
		a, errA := strconv.ParseFloat(w[i], 64)
		b, errB := strconv.ParseFloat(g[i], 64)
		if errA != nil || errB != nil {
			if w[i] != g[i] {
				return fmt.Sprintf("%s became %s", w[i], g[i])
			}
			continue
		}
		if !tol.Allows(a, b) {
			return fmt.Sprintf("%s became %s, more than %g%%+%g", w[i], g[i], tol.Rel*100, tol.Abs)
		}
	}
	return ""
}
