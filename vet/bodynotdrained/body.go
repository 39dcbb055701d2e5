package bodynotdrained

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/leaklab/leaklab/vet/internal/vetutil"
)

// body is what one function does with one response's body.
type body struct {
	pass *analysis.Pass
	fn   inspector.Cursor
	resp *types.Var
	// aliases are local variables that hold the body.
	aliases map[*types.Var]bool
	closes  []inspector.Cursor
	// partial: read in part; drained: read to the end (maybe bounded);
	// unknown: handed somewhere the analyzer cannot follow; noReuse: the
	// request asked for its connection to be closed anyway.
	partial, drained, unknown, noReuse bool
}

func newBody(pass *analysis.Pass, fn inspector.Cursor, resp *types.Var) *body {
	b := &body{pass: pass, fn: fn, resp: resp, aliases: map[*types.Var]bool{}}
	for c := range fn.Preorder((*ast.Ident)(nil), (*ast.AssignStmt)(nil)) {
		switch n := c.Node().(type) {
		case *ast.Ident:
			if pass.TypesInfo.Uses[n] == resp {
				b.respUse(c)
			}
		case *ast.AssignStmt:
			b.noReuse = b.noReuse || setsRequestClose(pass, n)
		}
	}
	return b
}

// respUse classifies one use of the response variable.
func (b *body) respUse(c inspector.Cursor) {
	sel, ok := c.Parent().Node().(*ast.SelectorExpr)
	if !ok || sel.X != c.Node() {
		if _, cmp := c.Parent().Node().(*ast.BinaryExpr); !cmp && !vetutil.IsAssigned(c) {
			b.unknown = true // the response goes somewhere: a helper may drain it
		}
		return
	}
	if sel.Sel.Name == "Body" {
		b.bodyUse(c.Parent())
	}
}

// bodyUse classifies one use of an expression holding the body.
func (b *body) bodyUse(c inspector.Cursor) {
	p := c.Parent()
	switch n := p.Node().(type) {
	case *ast.ParenExpr:
		b.bodyUse(p)
	case *ast.SelectorExpr:
		b.method(p, n)
	case *ast.CallExpr:
		b.argUse(p, n, c.Node())
	case *ast.AssignStmt:
		b.assign(n, c.Node())
	case *ast.BinaryExpr:
		// compared with nil
	default:
		b.unknown = true
	}
}

// method handles body.Close() and body.Read(p).
func (b *body) method(p inspector.Cursor, sel *ast.SelectorExpr) {
	call, ok := p.Parent().Node().(*ast.CallExpr)
	if !ok || call.Fun != sel {
		b.unknown = true // a method value
		return
	}
	switch sel.Sel.Name {
	case "Close":
		b.closes = append(b.closes, p.Parent())
	case "Read":
		if vetutil.InLoop(p) {
			b.unknown = true // reading in a loop: maybe to the end
		} else {
			b.partial = true
		}
	default:
		b.unknown = true
	}
}

// argUse handles the body passed to a function.
func (b *body) argUse(p inspector.Cursor, call *ast.CallExpr, e ast.Node) {
	switch {
	case vetutil.IsFunc(b.pass, call, "io", "ReadFull", "ReadAtLeast"):
		b.partial = true
	case vetutil.IsFunc(b.pass, call, "io", "CopyN"):
		// copied to io.Discard, or to ioutil.Discard (a variable of its own)
		if len(call.Args) == 3 && call.Args[1] == e &&
			(vetutil.IsPkgVar(b.pass, call.Args[0], "io", "Discard") || vetutil.IsPkgVar(b.pass, call.Args[0], "io/ioutil", "Discard")) {
			b.drained = true
		} else {
			b.partial = true
		}
	case vetutil.IsFunc(b.pass, call, "io", "Copy", "ReadAll"), vetutil.IsFunc(b.pass, call, "io/ioutil", "ReadAll"):
		b.drained = true
	case vetutil.IsFunc(b.pass, call, "io", "LimitReader"):
		if outer, ok := p.Parent().Node().(*ast.CallExpr); ok && (vetutil.IsFunc(b.pass, outer, "io", "Copy", "ReadAll") || vetutil.IsFunc(b.pass, outer, "io/ioutil", "ReadAll")) {
			b.drained = true // read to the end, or to a cap
		} else {
			b.unknown = true // read through the limit by code not followed
		}
	default:
		b.unknown = true
	}
}

// assign follows body := resp.Body.
func (b *body) assign(a *ast.AssignStmt, e ast.Node) {
	for i, r := range a.Rhs {
		if r != e || len(a.Lhs) != len(a.Rhs) {
			continue
		}
		v := vetutil.ObjOf(b.pass, a.Lhs[i])
		if !vetutil.IsLocal(v, b.fn.Node()) {
			b.unknown = true
			return
		}
		b.follow(v)
		return
	}
	// resp.Body = something: a wrapper; the analyzer cannot follow it
	b.unknown = true
}

func (b *body) follow(v *types.Var) {
	if b.aliases[v] {
		return
	}
	b.aliases[v] = true
	for c := range b.fn.Preorder((*ast.Ident)(nil)) {
		if b.pass.TypesInfo.Uses[c.Node().(*ast.Ident)] == v {
			b.bodyUse(c)
		}
	}
}

// setsRequestClose reports whether a is req.Close = true.
func setsRequestClose(pass *analysis.Pass, a *ast.AssignStmt) bool {
	for _, l := range a.Lhs {
		sel, ok := l.(*ast.SelectorExpr)
		if ok && sel.Sel.Name == "Close" && vetutil.IsHTTP(pass.TypesInfo.TypeOf(sel.X), "Request") {
			return true
		}
	}
	return false
}
