package docrun

import (
	"fmt"
	"regexp"
	"strings"
)

// Lines turns a script's output into the lines of its block: trailing
// blanks trimmed, then the marker's grep, drop and fold applied to every
// line that is not a "$ command" line.
func (m *Marker) Lines(out string) []string {
	raw := strings.Split(strings.TrimRight(out, "\n"), "\n")
	var kept []string
	for _, l := range raw {
		l = strings.TrimRight(l, " \t\r")
		if !isPrompt(l) && (m.Grep != nil && !m.Grep.MatchString(l) || m.Drop != nil && m.Drop.MatchString(l)) {
			continue
		}
		kept = append(kept, l)
	}
	if m.Fold != nil {
		kept = fold(kept, m.Fold, true)
	}
	if m.Cut != nil {
		kept = fold(kept, m.Cut, false)
	}
	return kept
}

func isPrompt(l string) bool { return strings.HasPrefix(l, "$ ") }

// foldRE matches the line fold leaves in place of the lines it took out.
var foldRE = regexp.MustCompile(`^\[\.\.\. \d+ more (identical )?lines? \.\.\.\]$`)

// fold keeps the first and the last line of each run of more than three
// consecutive lines matching re (and, when same, equal to the first), with
// a line that counts the others.
func fold(lines []string, re *regexp.Regexp, same bool) []string {
	var out []string
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && !isPrompt(lines[j]) && re.MatchString(lines[j]) && (!same || lines[j] == lines[i]) {
			j++
		}
		switch n := j - i; {
		case n > 3:
			kind := ""
			if same {
				kind = "identical "
			}
			out = append(out, lines[i], fmt.Sprintf("[... %d more %sline%s ...]", n-2, kind, plural(n-2)), lines[j-1])
			i = j
		case n > 0:
			out = append(out, lines[i:j]...)
			i = j
		default:
			out = append(out, lines[i])
			i++
		}
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

var (
	durRE  = regexp.MustCompile(`\d+(?:\.\d+)?(?:ns|µs|us|ms|s|m|h)(?:\d+(?:\.\d+)?(?:ns|µs|us|ms|s|m|h))*\b`)
	sizeRE = regexp.MustCompile(`\d+(?:\.\d+)?\s?(?:B|KB|MB|GB|KiB|MiB|GiB|kB)\b`)
	numRE  = regexp.MustCompile(`\d+(?:\.\d+)*`)
	wsRE   = regexp.MustCompile(`\s+`)
	dashRE = regexp.MustCompile(`─+`)
)

// Skeleton is a line without what may move between two runs: durations
// become <dur>, sizes <size>, other numbers #, runs of blanks one blank and
// runs of table rules one rule, so that a column that grows wider does
// not change it.
func Skeleton(l string) string {
	l = durRE.ReplaceAllString(l, "<dur>")
	l = sizeRE.ReplaceAllString(l, "<size>")
	l = numRE.ReplaceAllString(l, "#")
	l = dashRE.ReplaceAllString(l, "─")
	return strings.TrimSpace(wsRE.ReplaceAllString(l, " "))
}

// Numbers are the plain numbers of a line, durations and sizes left out
// (they are timings and memory, which vary from run to run by nature).
func Numbers(l string) []string {
	l = durRE.ReplaceAllString(l, "")
	l = sizeRE.ReplaceAllString(l, "")
	return numRE.FindAllString(l, -1)
}
