package transportpercall

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/leaklab/leaklab/vet/internal/vetutil"
)

// group follows one Transport through the function that makes it: the
// local variables that hold it (or a Client around it), the requests sent
// through it, and whether it is kept past the call or cleaned up.
//
// It is written for this one question rather than built on SSA: the
// answers it needs (returned? stored? sent from a loop?) are syntactic,
// and the syntax gives positions a reader recognises.
type group struct {
	pass   *analysis.Pass
	fn     inspector.Cursor
	vars   map[*types.Var]bool
	sends  []inspector.Cursor
	kept   bool
	closed bool
	// result is which result of the first call carries the value, when
	// the flow starts at a factory's call: c, err := newClient().
	result int
}

func newGroup(pass *analysis.Pass, fn inspector.Cursor) *group {
	return &group{pass: pass, fn: fn, vars: map[*types.Var]bool{}}
}

// leaks reports whether the Transport made at made serves this call only.
func (g *group) leaks(made inspector.Cursor) bool {
	if g.kept || g.closed || len(g.sends) == 0 {
		return false
	}
	for _, s := range g.sends {
		if reused(s, made, g.fn) {
			return false
		}
	}
	return true
}

// reused reports whether the send at s can run more than once for one
// making at made: s sits in a loop, or in a callback, that does not hold
// made.
func reused(s, made, fn inspector.Cursor) bool {
	for a := range s.Enclosing() {
		if a == fn || a.Contains(made) {
			return false
		}
		switch n := a.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return true
		case *ast.FuncLit:
			if call, ok := a.Parent().Node().(*ast.CallExpr); !ok || call.Fun != n {
				return true // a callback: it may run many times
			}
		}
	}
	return false
}

// flow follows the value of the expression at c up the syntax tree.
func (g *group) flow(c inspector.Cursor) {
	p := c.Parent()
	switch n := p.Node().(type) {
	case *ast.ParenExpr, *ast.StarExpr, *ast.TypeAssertExpr:
		g.flow(p)
	case *ast.UnaryExpr:
		if n.Op == token.AND {
			g.flow(p)
		}
	case *ast.SelectorExpr:
		g.member(p, n)
	case *ast.CallExpr:
		g.arg(p, n, c.Node())
	case *ast.KeyValueExpr:
		g.field(p, n, c.Node())
	case *ast.AssignStmt:
		g.assign(n, c.Node())
	case *ast.ValueSpec:
		for i, v := range n.Values {
			if v == c.Node() && i < len(n.Names) {
				g.store(n.Names[i])
			}
		}
	case *ast.BinaryExpr, *ast.ExprStmt, *ast.IfStmt, *ast.SwitchStmt, *ast.IncDecStmt:
		// compared or evaluated: the value goes nowhere
	default:
		g.kept = true // returned, sent on a channel, put in a structure...
	}
}

// member handles v.Method(...) and v.Field.
func (g *group) member(p inspector.Cursor, sel *ast.SelectorExpr) {
	call, ok := p.Parent().Node().(*ast.CallExpr)
	if !ok || call.Fun != sel {
		return // a field read or set
	}
	switch {
	case vetutil.IsMethod(g.pass, call, "Client", "Do", "Get", "Head", "Post", "PostForm"),
		vetutil.IsMethod(g.pass, call, "Transport", "RoundTrip"):
		g.sends = append(g.sends, p.Parent())
	case vetutil.IsMethod(g.pass, call, "Client", "CloseIdleConnections"),
		vetutil.IsMethod(g.pass, call, "Transport", "CloseIdleConnections"):
		g.closed = true
	}
}

// arg handles the value passed to a call.
func (g *group) arg(p inspector.Cursor, call *ast.CallExpr, e ast.Node) {
	if call.Fun == e {
		return
	}
	if tv, ok := g.pass.TypesInfo.Types[call.Fun]; ok && tv.IsType() {
		g.flow(p) // a conversion
		return
	}
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		if b, ok := g.pass.TypesInfo.Uses[id].(*types.Builtin); ok && b.Name() == "append" {
			return // bookkeeping: see the package doc
		}
	}
	i := argIndex(call, e)
	if f := vetutil.Callee(g.pass, call); f != nil && sendsThrough(g.pass, f, i) {
		g.sends = append(g.sends, p)
		return
	}
	g.kept = true
}

func argIndex(call *ast.CallExpr, e ast.Node) int {
	for i, a := range call.Args {
		if a == e {
			return i
		}
	}
	return -1
}

// field handles Key: value in a composite literal: the Transport field of
// an http.Client literal passes the Transport on to the Client.
func (g *group) field(p inspector.Cursor, kv *ast.KeyValueExpr, e ast.Node) {
	lit, ok := p.Parent().Node().(*ast.CompositeLit)
	key, _ := kv.Key.(*ast.Ident)
	if ok && kv.Value == e && key != nil && key.Name == "Transport" && vetutil.IsHTTP(g.pass.TypesInfo.TypeOf(lit), "Client") {
		g.flow(p.Parent())
		return
	}
	g.kept = true
}

// assign handles x = v and x := v, and c, err := factory().
func (g *group) assign(a *ast.AssignStmt, e ast.Node) {
	for i, r := range a.Rhs {
		if r != e {
			continue
		}
		if len(a.Lhs) != len(a.Rhs) {
			if len(a.Rhs) != 1 || g.result >= len(a.Lhs) {
				g.kept = true
				return
			}
			i = g.result
		}
		if id, ok := a.Lhs[i].(*ast.Ident); ok {
			g.store(id)
			return
		}
		g.kept = true // a field, an element, *p
	}
}

// store follows a local variable that now holds the value.
func (g *group) store(id *ast.Ident) {
	if id.Name == "_" {
		return
	}
	v, _ := g.pass.TypesInfo.ObjectOf(id).(*types.Var)
	if !vetutil.IsLocal(v, g.fn.Node()) {
		g.kept = true // a package variable or a variable of an outer function
		return
	}
	g.follow(v)
}

// follow adds v to the group and follows each of its uses.
func (g *group) follow(v *types.Var) {
	if g.vars[v] {
		return
	}
	g.vars[v] = true
	for c := range g.fn.Preorder((*ast.Ident)(nil)) {
		if g.pass.TypesInfo.Uses[c.Node().(*ast.Ident)] == v {
			g.flow(c)
		}
	}
}
