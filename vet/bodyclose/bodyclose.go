package bodyclose

import (
	_ "embed"
	"go/ast"
	"go/types"
	"slices"

	upstream "github.com/timakin/bodyclose/passes/bodyclose"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/leaklab/leaklab/vet/internal/vetutil"
)

//go:embed doc.go
var doc string

var reporter = &vetutil.Reporter{Name: "bodyclose"}

// Analyzer is github.com/timakin/bodyclose with leaklab's allow comment,
// quiet on bodies handed to a function that can close them.
var Analyzer = &analysis.Analyzer{
	Name:     "bodyclose",
	Doc:      vetutil.Doc(doc, "bodyclose"),
	URL:      "https://github.com/timakin/bodyclose",
	Requires: append(slices.Clip(upstream.Analyzer.Requires), inspect.Analyzer),
	Run:      run,
}

func init() { reporter.RegisterFlags(&Analyzer.Flags) }

func run(pass *analysis.Pass) (any, error) {
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	p := *pass
	h := &helpers{pass: pass, decls: funcDecls(pass)}
	p.Report = func(d analysis.Diagnostic) {
		if !h.closedElsewhere(ins, d) {
			d.Message += ": close it once the error is checked, defer resp.Body.Close() (docs/02-body-not-closed.md)"
			reporter.Report(pass, d)
		}
	}
	return upstream.Analyzer.Run(&p)
}

// responseAt is the *http.Response variable assigned by the statement
// around c, and the function it is in.
func responseAt(pass *analysis.Pass, c inspector.Cursor) (*types.Var, inspector.Cursor) {
	var assign *ast.AssignStmt
	for a := range c.Enclosing((*ast.AssignStmt)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		switch n := a.Node().(type) {
		case *ast.AssignStmt:
			if assign == nil {
				assign = n
			}
		default:
			if assign == nil {
				return nil, a
			}
			for _, l := range assign.Lhs {
				if v := vetutil.ObjOf(pass, l); v != nil && vetutil.IsHTTP(v.Type(), "Response") {
					return v, a
				}
			}
			return nil, a
		}
	}
	return nil, inspector.Cursor{}
}

// passesBody reports whether call passes resp.Body to a parameter that
// has a Close method (an io.ReadCloser or io.Closer, as in
// drainAndClose(resp.Body)): bodyclose does not follow a body into such a
// helper.
func passesBody(pass *analysis.Pass, call *ast.CallExpr, resp *types.Var) bool {
	f := vetutil.Callee(pass, call)
	if f == nil {
		return false
	}
	sig := f.Type().(*types.Signature)
	for i, a := range call.Args {
		sel, ok := ast.Unparen(a).(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Body" || vetutil.ObjOf(pass, sel.X) != resp {
			continue
		}
		if i < sig.Params().Len() && canClose(sig.Params().At(i).Type()) {
			return true
		}
	}
	return false
}

func canClose(t types.Type) bool {
	obj, _, _ := types.LookupFieldOrMethod(t, false, nil, "Close")
	_, ok := obj.(*types.Func)
	return ok
}
