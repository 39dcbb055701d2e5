package transportpercall

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/leaklab/leaklab/vet/internal/vetutil"
)

// factoryFact marks a function that returns, at result Index, a new
// Transport, or a new Client with a new Transport, on every call: its
// caller is where the Transport is made.
type factoryFact struct{ Index int }

func (*factoryFact) AFact() {}
func (f *factoryFact) String() string {
	return fmt.Sprintf("returns a new Transport at result %d", f.Index)
}

// factories finds the functions of the package that return a new
// Transport each call and exports a factoryFact for each.
func factories(pass *analysis.Pass, ins *inspector.Inspector) {
	for c := range ins.Root().Preorder((*ast.FuncDecl)(nil)) {
		d := c.Node().(*ast.FuncDecl)
		f, _ := pass.TypesInfo.Defs[d.Name].(*types.Func)
		if f == nil || d.Body == nil {
			continue
		}
		if i, ok := factoryIndex(pass, c, f); ok {
			pass.ExportObjectFact(f, &factoryFact{Index: i})
		}
	}
}

// factoryIndex is the result of f that is a new Transport (or a Client
// around one) in every return of f that is not nil.
func factoryIndex(pass *analysis.Pass, fn inspector.Cursor, f *types.Func) (int, bool) {
	res := f.Type().(*types.Signature).Results()
	for i := 0; i < res.Len(); i++ {
		t := res.At(i).Type()
		if !vetutil.IsHTTP(t, "Client") && !vetutil.IsHTTP(t, "Transport") {
			continue
		}
		if _, ok := t.(*types.Pointer); ok && freshEveryReturn(pass, fn, i) {
			return i, true
		}
	}
	return 0, false
}

// freshEveryReturn reports whether every return of the function at fn
// gives, at result i, nil or a Transport made on the spot, and at least
// one gives the latter.
func freshEveryReturn(pass *analysis.Pass, fn inspector.Cursor, i int) bool {
	fresh := false
	for r := range fn.Preorder((*ast.ReturnStmt)(nil)) {
		if f, _ := vetutil.EnclosingFunc(r); f != fn {
			continue // a return of a function literal inside
		}
		ret := r.Node().(*ast.ReturnStmt)
		if len(ret.Results) <= i || len(ret.Results) == 1 && i > 0 {
			return false
		}
		e := ast.Unparen(ret.Results[i])
		if id, ok := e.(*ast.Ident); ok && id.Name == "nil" {
			continue
		}
		if !madeOnTheSpot(pass, fn, e, 0) || !onlyReturned(pass, fn, ret) {
			return false
		}
		fresh = true
	}
	return fresh
}

// onlyReturned reports whether the local variables ret returns are used
// for nothing but setting their fields before: a factory that also
// registers a cleanup (t.Cleanup(tr.CloseIdleConnections)) or sends a
// request is not a plain factory.
func onlyReturned(pass *analysis.Pass, fn inspector.Cursor, ret *ast.ReturnStmt) bool {
	vars := map[*types.Var]bool{}
	ast.Inspect(ret, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := pass.TypesInfo.Uses[id].(*types.Var); ok && vetutil.IsLocal(v, fn.Node()) {
				vars[v] = true
			}
		}
		return true
	})
	for c := range fn.Preorder((*ast.Ident)(nil)) {
		id := c.Node().(*ast.Ident)
		v, _ := pass.TypesInfo.Uses[id].(*types.Var)
		if !vars[v] || ret.Pos() <= id.Pos() && id.Pos() < ret.End() {
			continue
		}
		sel, ok := c.Parent().Node().(*ast.SelectorExpr)
		if !ok || sel.X != id {
			return false // handed somewhere
		}
		if _, isField := pass.TypesInfo.Uses[sel.Sel].(*types.Var); !isField {
			return false // a method: CloseIdleConnections, Do...
		}
	}
	return true
}

// madeOnTheSpot reports whether e is a new Transport, a Client literal
// whose Transport is one, or a local variable assigned once from either.
func madeOnTheSpot(pass *analysis.Pass, fn inspector.Cursor, e ast.Expr, depth int) bool {
	if depth > 4 {
		return false
	}
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok {
		e = u.X
	}
	switch n := e.(type) {
	case *ast.CompositeLit:
		if vetutil.IsHTTP(pass.TypesInfo.TypeOf(n), "Transport") {
			return true
		}
		if !vetutil.IsHTTP(pass.TypesInfo.TypeOf(n), "Client") {
			return false
		}
		kv := vetutil.Field(n, "Transport")
		return kv != nil && madeOnTheSpot(pass, fn, kv.Value, depth+1)
	case *ast.CallExpr:
		return isTransportMaking(pass, n)
	case *ast.Ident:
		v, _ := pass.TypesInfo.Uses[n].(*types.Var)
		if !vetutil.IsLocal(v, fn.Node()) {
			return false
		}
		val, ok := onlyValue(pass, fn, v)
		return ok && madeOnTheSpot(pass, fn, val, depth+1)
	}
	return false
}

// onlyValue is the one expression assigned to v in fn.
func onlyValue(pass *analysis.Pass, fn inspector.Cursor, v *types.Var) (ast.Expr, bool) {
	var vals []ast.Expr
	for c := range fn.Preorder((*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil)) {
		switch n := c.Node().(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if vetutil.ObjOf(pass, l) == v {
					if len(n.Lhs) != len(n.Rhs) {
						return nil, false
					}
					vals = append(vals, n.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if pass.TypesInfo.Defs[name] == v && i < len(n.Values) {
					vals = append(vals, n.Values[i])
				}
			}
		}
	}
	if len(vals) != 1 {
		return nil, false
	}
	return vals[0], true
}

// factoryCall reports whether n calls a factory (see factoryFact), and
// which of its results is the new Transport or Client.
func factoryCall(pass *analysis.Pass, n ast.Node) (int, bool) {
	call, ok := n.(*ast.CallExpr)
	if !ok {
		return 0, false
	}
	f := vetutil.Callee(pass, call)
	var fact factoryFact
	if f == nil || !pass.ImportObjectFact(f, &fact) {
		return 0, false
	}
	return fact.Index, true
}
