package vetutil

import (
	"flag"
	"fmt"
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// AllowPrefix starts a comment that allows one finding on purpose:
//
//	//leaklab:allow <analyzer> <reason>
//
// on the line of the finding or on the line just above it. The reason is
// required; a comment without one allows nothing.
const AllowPrefix = "//leaklab:allow"

// AllowedFlag is the name of the flag, on every leaklab analyzer, that
// also reports the findings an allow comment allows, marked as allowed.
const AllowedFlag = "allowed"

// SetAllowed sets the -allowed flag (AllowedFlag) of every analyzer in as
// to show: whether it also reports the findings an allow comment allows.
func SetAllowed(as []*analysis.Analyzer, show bool) error {
	for _, a := range as {
		if err := a.Flags.Set(AllowedFlag, fmt.Sprint(show)); err != nil {
			return fmt.Errorf("analyzer %s: %w", a.Name, err)
		}
	}
	return nil
}

// Reporter reports the findings of one analyzer, except those an allow
// comment allows (unless ShowAllowed is set, which reports them too with
// the comment's reason).
type Reporter struct {
	Name        string
	ShowAllowed bool
}

// RegisterFlags adds the -allowed flag to fs.
func (r *Reporter) RegisterFlags(fs *flag.FlagSet) {
	fs.BoolVar(&r.ShowAllowed, AllowedFlag, false, "also report findings a "+AllowPrefix+" "+r.Name+" <reason> comment allows, marked as allowed")
}

// Report reports d unless an allow comment for r.Name sits on its line or
// the line above.
func (r *Reporter) Report(pass *analysis.Pass, d analysis.Diagnostic) {
	reason, ok := r.allowed(pass, d.Pos)
	if ok && !r.ShowAllowed {
		return
	}
	if ok {
		d.Message += " (allowed: " + reason + ")"
		d.SuggestedFixes = nil
	}
	pass.Report(d)
}

func (r *Reporter) allowed(pass *analysis.Pass, pos token.Pos) (string, bool) {
	f := fileOf(pass, pos)
	if f == nil {
		return "", false
	}
	line := pass.Fset.Position(pos).Line
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			l := pass.Fset.Position(c.Slash).Line
			if l != line && l != line-1 {
				continue
			}
			if reason, ok := parseAllow(c.Text, r.Name); ok {
				return reason, true
			}
		}
	}
	return "", false
}

// parseAllow returns the reason of an allow comment for name.
func parseAllow(text, name string) (string, bool) {
	rest, ok := strings.CutPrefix(text, AllowPrefix+" ")
	if !ok {
		return "", false
	}
	got, reason, _ := strings.Cut(strings.TrimSpace(rest), " ")
	reason = strings.TrimSpace(reason)
	if got != name || reason == "" {
		return "", false
	}
	return reason, true
}

func fileOf(pass *analysis.Pass, pos token.Pos) *ast.File {
	for _, f := range pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

// IsTestFile reports whether pos is in a _test.go file.
func IsTestFile(pass *analysis.Pass, pos token.Pos) bool {
	return strings.HasSuffix(pass.Fset.Position(pos).Filename, "_test.go")
}
