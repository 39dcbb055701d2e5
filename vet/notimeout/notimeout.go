package notimeout

import (
	_ "embed"
	"go/ast"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/leaklab/leaklab/vet/internal/vetutil"
)

//go:embed doc.go
var doc string

var reporter = &vetutil.Reporter{Name: "notimeout"}

// Analyzer reports a request with no timeout and no deadline.
var Analyzer = &analysis.Analyzer{
	Name:     "notimeout",
	Doc:      vetutil.Doc(doc, "notimeout"),
	URL:      "https://pkg.go.dev/github.com/leaklab/leaklab/vet/notimeout",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

func init() { reporter.RegisterFlags(&Analyzer.Flags) }

const fix = "give the Client a Timeout, or the request a context deadline (docs/04-no-timeout.md)"

func run(pass *analysis.Pass) (any, error) {
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	for c := range ins.Root().Preorder((*ast.CallExpr)(nil)) {
		call := c.Node().(*ast.CallExpr)
		if vetutil.IsTestFile(pass, call.Pos()) {
			continue
		}
		if msg := check(pass, c, call); msg != "" {
			reporter.Report(pass, analysis.Diagnostic{Pos: call.Pos(), End: call.End(), Message: msg})
		}
	}
	return nil, nil
}

// check returns the finding for call, "" when there is none.
func check(pass *analysis.Pass, c inspector.Cursor, call *ast.CallExpr) string {
	if vetutil.IsFunc(pass, call, "net/http", "Get", "Head", "Post", "PostForm") {
		return "http." + vetutil.Callee(pass, call).Name() + " sends through http.DefaultClient, which has no Timeout, with no context: against a server that hangs it waits forever; " + fix
	}
	isDo := vetutil.IsMethod(pass, call, "Client", "Do")
	if !isDo && !vetutil.IsMethod(pass, call, "Client", "Get", "Head", "Post", "PostForm") {
		return ""
	}
	fn, ok := vetutil.EnclosingFunc(c)
	if !ok {
		return ""
	}
	s := &scope{pass: pass, fn: fn}
	who := s.timeoutless(call.Fun.(*ast.SelectorExpr).X)
	if who == "" {
		return ""
	}
	if isDo && (len(call.Args) != 1 || !s.noDeadline(call.Args[0])) {
		return ""
	}
	return "request through " + who + ", which has no Timeout, and no context deadline: against a server that hangs it waits forever; " + fix
}
