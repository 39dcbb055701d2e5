package docrun

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Marker is one marked block of a document.
type Marker struct {
	Doc  string // document path, for messages
	Line int    // 1-based line of the comment

	Run    []string // script lines of the full form
	Quick  []string // script lines of the compressed form (nil: Run)
	From   string   // file of the work directory the block shows
	File   string   // path a Go block is written to (complete-file blocks)
	Checks []string // what docs-check compares
	Expect []string // claims, as expressions over the fresh output
	Tol    Tolerance

	Grep, Drop, Ignore, Fold, Cut *regexp.Regexp
	InRepo                        bool          // run in the repository's root, not the work directory
	NoQuick                       bool          // quick: - : too heavy for docs-check, make docs only
	Prompt                        bool          // show "$ line" before each shown line
	DropStderr                    bool          // leave standard error out
	Timeout                       time.Duration // 0: the caller's default

	// Block is the fenced block that follows the comment: lines
	// [Start, End) of the document are its content.
	Start, End int
}

// Where names the marker for messages: "docs/01.md:12".
func (m *Marker) Where() string { return fmt.Sprintf("%s:%d", m.Doc, m.Line) }

// Tolerance is how far a number may move between a block and a fresh run
// of the same command: Rel of the block's value plus Abs.
type Tolerance struct {
	Off      bool
	Rel, Abs float64
}

// DefaultTolerance is the tolerance of a marker without tol: numbers are
// not compared. The load of the comparisons is paced by a ticker, and on a
// busy machine ticks slip and every count moves, by half or more; what a
// lesson claims about its numbers is checked exactly, as expect fields.
var DefaultTolerance = Tolerance{Off: true}

// Allows says whether got may stand for want.
func (t Tolerance) Allows(want, got float64) bool {
	if t.Off {
		return true
	}
	d := want - got
	if d < 0 {
		d = -d
	}
	if want < 0 {
		want = -want
	}
	return d <= t.Rel*want+t.Abs+1e-9
}

func parseTolerance(s string) (Tolerance, error) {
	s = strings.TrimSpace(s)
	if s == "off" {
		return Tolerance{Off: true}, nil
	}
	var t Tolerance
	rel, abs, hasAbs := strings.Cut(s, "+")
	p, ok := strings.CutSuffix(strings.TrimSpace(rel), "%")
	if !ok {
		return t, fmt.Errorf("tol %q: want P%%, P%%+N or off", s)
	}
	v, err := strconv.ParseFloat(p, 64)
	if err != nil || v < 0 {
		return t, fmt.Errorf("tol %q: want P%%, P%%+N or off", s)
	}
	t.Rel = v / 100
	if hasAbs {
		a, err := strconv.ParseFloat(strings.TrimSpace(abs), 64)
		if err != nil || a < 0 {
			return t, fmt.Errorf("tol %q: want P%%, P%%+N or off", s)
		}
		t.Abs = a
	}
	return t, nil
}

// AllChecks are the checks of a marker without check.
var AllChecks = []string{"columns", "rows", "verdict", "skeleton"}

var fieldNames = []string{"run", "quick", "from", "file", "check", "expect", "tol",
	"grep", "drop", "ignore", "fold", "cut", "cwd", "prompt", "stderr", "timeout"}

// fieldRE finds "name:" at the start of a line or after " | ".
var fieldRE = regexp.MustCompile(`(?m)(?:^[ \t]*|[ \t]\|[ \t]+)(` + strings.Join(fieldNames, "|") + `):`)

// markerStart matches a comment that opens a marker.
var markerStart = regexp.MustCompile(`^\s*<!--\s*(run|from|file):`)

// Parse finds the markers of a document and the blocks they describe.
func Parse(doc string, text string) ([]*Marker, error) {
	lines := strings.Split(text, "\n")
	var out []*Marker
	for i := 0; i < len(lines); i++ {
		if !markerStart.MatchString(lines[i]) {
			continue
		}
		start := i
		var body strings.Builder
		for ; i < len(lines); i++ {
			body.WriteString(lines[i])
			body.WriteByte('\n')
			if strings.Contains(lines[i], "-->") {
				break
			}
		}
		if i == len(lines) {
			return nil, fmt.Errorf("%s:%d: marker comment never closed with -->", doc, start+1)
		}
		c := body.String()
		c = c[strings.Index(c, "<!--")+4 : strings.LastIndex(c, "-->")]
		m, err := parseFields(c)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", doc, start+1, err)
		}
		m.Doc, m.Line = doc, start+1
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
			j++
		}
		if j == len(lines) || !strings.HasPrefix(strings.TrimSpace(lines[j]), "```") {
			return nil, fmt.Errorf("%s:%d: marker not followed by a fenced block", doc, start+1)
		}
		fence := strings.TrimSpace(lines[j])
		fence = fence[:len(fence)-len(strings.TrimLeft(fence, "`"))]
		m.Start = j + 1
		k := m.Start
		for k < len(lines) && strings.TrimSpace(lines[k]) != fence {
			k++
		}
		if k == len(lines) {
			return nil, fmt.Errorf("%s:%d: fenced block never closed", doc, j+1)
		}
		m.End = k
		i = k
		out = append(out, m)
	}
	return out, nil
}

func parseFields(c string) (*Marker, error) {
	m := &Marker{Prompt: true, Tol: DefaultTolerance}
	locs := fieldRE.FindAllStringSubmatchIndex(c, -1)
	if len(locs) == 0 {
		return nil, fmt.Errorf("marker without fields")
	}
	for n, loc := range locs {
		name := c[loc[2]:loc[3]]
		end := len(c)
		if n+1 < len(locs) {
			end = locs[n+1][0]
		}
		if err := m.set(name, c[loc[1]:end]); err != nil {
			return nil, err
		}
	}
	if m.Checks == nil {
		m.Checks = AllChecks
	}
	switch {
	case m.File != "" && (m.Run != nil || m.From != ""):
		return nil, fmt.Errorf("file: marks a Go file; it takes no run or from")
	case m.File == "" && (m.Run == nil) == (m.From == ""):
		return nil, fmt.Errorf("a marker needs either run: or from:")
	}
	return m, nil
}

func (m *Marker) set(name, value string) error {
	v := strings.TrimSpace(value)
	var err error
	switch name {
	case "run":
		m.Run = scriptLines(v)
	case "quick":
		m.Quick = scriptLines(v)
		m.NoQuick = v == "-"
	case "from":
		m.From = v
	case "file":
		m.File = v
	case "check":
		m.Checks = nil
		for c := range strings.SplitSeq(v, ",") {
			c = strings.TrimSpace(c)
			if !isCheck(c) {
				return fmt.Errorf("check %q: want some of %s", c, strings.Join(AllChecks, ","))
			}
			m.Checks = append(m.Checks, c)
		}
	case "expect":
		m.Expect = append(m.Expect, v)
	case "tol":
		m.Tol, err = parseTolerance(v)
	case "grep":
		m.Grep, err = regexp.Compile(v)
	case "drop":
		m.Drop, err = regexp.Compile(v)
	case "ignore":
		m.Ignore, err = regexp.Compile(v)
	case "fold":
		m.Fold, err = regexp.Compile(v)
	case "cut":
		m.Cut, err = regexp.Compile(v)
	case "cwd":
		if v != "repo" {
			return fmt.Errorf("cwd %q: the only other place is repo", v)
		}
		m.InRepo = true
	case "prompt":
		m.Prompt = v != "no"
	case "stderr":
		m.DropStderr = v == "drop"
	case "timeout":
		m.Timeout, err = time.ParseDuration(v)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func isCheck(c string) bool {
	if c == "none" {
		return true // only the expect claims
	}
	for _, a := range AllChecks {
		if a == c {
			return true
		}
	}
	return false
}

func scriptLines(v string) []string {
	var out []string
	for l := range strings.SplitSeq(v, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Script returns the lines to run: the quick form when quick is set and
// the marker has one.
func (m *Marker) Script(quick bool) []string {
	if quick && m.Quick != nil {
		return m.Quick
	}
	return m.Run
}

// SameForm says whether the quick form is the full one, so that a block
// made by one can be compared number by number with a run of the other.
func (m *Marker) SameForm() bool {
	return m.Quick == nil || strings.Join(m.Quick, "\n") == strings.Join(m.Run, "\n")
}
