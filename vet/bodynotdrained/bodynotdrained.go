package bodynotdrained

import (
	_ "embed"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/leaklab/leaklab/vet/internal/vetutil"
)

//go:embed doc.go
var doc string

var reporter = &vetutil.Reporter{Name: "bodynotdrained"}

// Analyzer reports a response body read in part, then closed.
var Analyzer = &analysis.Analyzer{
	Name:     "bodynotdrained",
	Doc:      vetutil.Doc(doc, "bodynotdrained"),
	URL:      "https://pkg.go.dev/github.com/leaklab/leaklab/vet/bodynotdrained",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

func init() { reporter.RegisterFlags(&Analyzer.Flags) }

func run(pass *analysis.Pass) (any, error) {
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	seen := map[*types.Var]bool{}
	for c := range ins.Root().Preorder((*ast.SelectorExpr)(nil)) {
		resp := responseOf(pass, c.Node().(*ast.SelectorExpr))
		if resp == nil || seen[resp] {
			continue
		}
		seen[resp] = true
		fn, ok := declaringFunc(c, resp)
		if !ok {
			continue
		}
		b := newBody(pass, fn, resp)
		if !b.partial || b.drained || b.unknown || b.noReuse {
			continue
		}
		for _, cl := range b.closes {
			reporter.Report(pass, analysis.Diagnostic{
				Pos: cl.Node().Pos(), End: cl.Node().End(),
				Message:        "response body closed after a partial read: the connection cannot be reused and is closed, so every request dials anew; drain the rest before Close (docs/03-body-not-drained.md)",
				SuggestedFixes: drainFix(pass, cl, b),
			})
		}
	}
	return nil, nil
}

// responseOf is the response variable whose Body sel is (resp.Body), nil
// for any other selector.
func responseOf(pass *analysis.Pass, sel *ast.SelectorExpr) *types.Var {
	if sel.Sel.Name != "Body" {
		return nil
	}
	if v := vetutil.ObjOf(pass, sel.X); v != nil && vetutil.IsHTTP(v.Type(), "Response") {
		return v
	}
	return nil
}

// declaringFunc is the innermost function around c that declares v.
func declaringFunc(c inspector.Cursor, v *types.Var) (inspector.Cursor, bool) {
	for f := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		if vetutil.IsLocal(v, f.Node()) {
			return f, true
		}
	}
	return inspector.Cursor{}, false
}
