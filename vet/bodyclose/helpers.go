package bodyclose

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/leaklab/leaklab/vet/internal/vetutil"
)

// helpers answers, for the functions of the package being analysed,
// whether they close a response body for their caller: bodyclose does
// not look into them, and reports each call of a helper such as
//
//	func get(t *testing.T, c *http.Client, url string) (*http.Response, string)
//
// that reads and closes the body and returns the response for its
// headers, or of drain(resp) that closes the response it is given.
type helpers struct {
	pass  *analysis.Pass
	decls map[*types.Func]*ast.FuncDecl
}

func funcDecls(pass *analysis.Pass) map[*types.Func]*ast.FuncDecl {
	decls := map[*types.Func]*ast.FuncDecl{}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					decls[fn] = fd
				}
			}
		}
	}
	return decls
}

// closedElsewhere reports whether the finding d is about a call of a
// helper of the package that closes the body of the response it returns,
// or about a response whose function hands its Body to a parameter that
// can close it (see passesBody) or the response to a helper that closes
// it.
func (h *helpers) closedElsewhere(ins *inspector.Inspector, d analysis.Diagnostic) bool {
	c, ok := ins.Root().FindByPos(d.Pos, d.Pos)
	if !ok {
		return false
	}
	for e := range c.Enclosing((*ast.CallExpr)(nil)) {
		if f := vetutil.Callee(h.pass, e.Node().(*ast.CallExpr)); f != nil && h.closesReturned(f) {
			return true
		}
		break
	}
	resp, fn := responseAt(h.pass, c)
	if resp == nil {
		return false
	}
	for c := range fn.Preorder((*ast.CallExpr)(nil)) {
		call := c.Node().(*ast.CallExpr)
		if passesBody(h.pass, call, resp) || h.passesResponse(call, resp, 0) {
			return true
		}
	}
	return false
}

// closesReturned reports whether f, a function of this package, closes
// the body of a response it returns.
func (h *helpers) closesReturned(f *types.Func) bool {
	fd := h.decls[f]
	if fd == nil {
		return false
	}
	returned := map[*types.Var]bool{}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if r, ok := n.(*ast.ReturnStmt); ok {
			for _, e := range r.Results {
				if v := vetutil.ObjOf(h.pass, e); v != nil && vetutil.IsHTTP(v.Type(), "Response") {
					returned[v] = true
				}
			}
		}
		return true
	})
	for v := range returned {
		if closesBodyOf(h.pass, fd.Body, v) {
			return true
		}
	}
	return false
}

// passesResponse reports whether call hands resp to a function of this
// package that closes its body (directly or through another such
// function, a few calls deep).
func (h *helpers) passesResponse(call *ast.CallExpr, resp *types.Var, depth int) bool {
	f := vetutil.Callee(h.pass, call)
	if f == nil || depth > 3 || h.decls[f] == nil {
		return false
	}
	fd := h.decls[f]
	sig := f.Type().(*types.Signature)
	for i, a := range call.Args {
		if vetutil.ObjOf(h.pass, a) != resp || i >= sig.Params().Len() {
			continue
		}
		param := sig.Params().At(i)
		if closesBodyOf(h.pass, fd.Body, param) {
			return true
		}
		found := false
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok && !found {
				found = h.passesResponse(c, param, depth+1)
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// closesBodyOf reports whether body calls v.Body.Close().
func closesBodyOf(pass *analysis.Pass, body *ast.BlockStmt, v *types.Var) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Close" {
			return true
		}
		if b, ok := sel.X.(*ast.SelectorExpr); ok && b.Sel.Name == "Body" && vetutil.ObjOf(pass, b.X) == v {
			found = true
		}
		return !found
	})
	return found
}
