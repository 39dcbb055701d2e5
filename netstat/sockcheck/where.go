package sockcheck

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
)

// site is a line inside the test function that set up a check.
type site struct {
	file string
	line int
	// enclosing says the line is in a function literal passed to
	// t.Cleanup: the failure points at the end of the function around it.
	enclosing bool
}

// testSite finds the test function on the caller's stack: the frame that
// testing's runner called, for a test or a subtest's function literal.
// Its zero value means the caller is not inside a test.
func testSite() site {
	f, ok := frameCalledBy(func(fn string) bool { return fn == "testing.tRunner" })
	if !ok {
		return site{}
	}
	return site{f.File, f.Line, false}
}

// cleanupSite is, when the caller runs in a function literal passed to
// t.Cleanup, a line of that literal; otherwise the zero site.
func cleanupSite() site {
	f, ok := frameCalledBy(func(fn string) bool { return strings.HasPrefix(fn, "testing.(*common).Cleanup.func") })
	if !ok || !isLiteral(f.Function) {
		return site{}
	}
	return site{f.File, f.Line, true}
}

// frameCalledBy walks the stack of its caller's caller, outward, to the
// first function that is; it returns the frame that function called.
func frameCalledBy(is func(function string) bool) (runtime.Frame, bool) {
	pc := make([]uintptr, 64)
	frames := runtime.CallersFrames(pc[:runtime.Callers(3, pc)])
	var inner runtime.Frame
	for {
		f, more := frames.Next()
		if is(f.Function) {
			return inner, true
		}
		if !more {
			return runtime.Frame{}, false
		}
		inner = f
	}
}

// isLiteral reports whether a function name is a function literal's, such
// as "pkg.TestX.func1" or "pkg.TestX.func1.2".
func isLiteral(name string) bool { return literalName.MatchString(name) }

var literalName = regexp.MustCompile(`\.func\d+(\.\d+)*$`)

// reportAt fails t with msg, pointing at the closing brace of the test
// function s is in, which is where the check runs: testing itself would
// point at the line that registered the cleanup. Without that line, or
// without Output and Fail on t, it leaves the place to t.Errorf.
func reportAt(t TestingT, s site, msg string) {
	t.Helper()
	out, ok := t.(interface {
		Output() io.Writer
		Fail()
	})
	line, found := closingBrace(s)
	if !ok || !found {
		t.Errorf("%s", msg)
		return
	}
	file := s.file
	if f := flag.Lookup("test.fullpath"); f == nil || f.Value.String() != "true" {
		file = filepath.Base(file)
	}
	// Indented as testing indents a multi-line message.
	fmt.Fprintf(out.Output(), "%s:%d: %s\n", file, line, strings.ReplaceAll(msg, "\n", "\n    "))
	out.Fail()
}

// closingBrace returns the line of the closing brace of the innermost
// function, declared or literal, around s, or of the function around that
// one when s.enclosing is set. It parses the file, which only a failing
// check does.
func closingBrace(s site) (int, bool) {
	if s.file == "" {
		return 0, false
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, s.file, nil, parser.SkipObjectResolution)
	if err != nil {
		return 0, false
	}
	type span struct{ from, to int }
	var around []span
	ast.Inspect(f, func(n ast.Node) bool {
		var body *ast.BlockStmt
		switch n := n.(type) {
		case *ast.FuncDecl:
			body = n.Body
		case *ast.FuncLit:
			body = n.Body
		}
		if body == nil {
			return true
		}
		from, to := fset.Position(n.Pos()).Line, fset.Position(body.Rbrace).Line
		if from <= s.line && s.line <= to {
			around = append(around, span{from, to})
		}
		return true
	})
	// Inspect visits outer functions first: the last span is the innermost.
	i := len(around) - 1
	if s.enclosing {
		i--
	}
	if i < 0 {
		return 0, false
	}
	return around[i].to, true
}
