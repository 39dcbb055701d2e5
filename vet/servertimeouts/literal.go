package servertimeouts

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/leaklab/leaklab/vet/internal/vetutil"
)

// The timeout fields, and the guard each one gives.
var guards = map[string][]string{
	"ReadHeaderTimeout": {"header"},
	"ReadTimeout":       {"header", "idle"},
	"IdleTimeout":       {"idle"},
}

// fields is a set of the guards ("header", "idle") a server has.
type fields map[string]bool

func (f fields) add(field string) {
	for _, g := range guards[field] {
		f[g] = true
	}
}

// checkLiteral reports an http.Server literal that lacks a guard.
func checkLiteral(pass *analysis.Pass, c inspector.Cursor, lit *ast.CompositeLit, pkgSet fields) {
	have := fields{}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			return // positional: not worth guessing
		}
		if name := kv.Key.(*ast.Ident).Name; !vetutil.IsZero(pass, kv.Value) {
			have.add(name)
		}
	}
	if have["header"] && have["idle"] {
		return
	}
	fn, ok := vetutil.EnclosingFunc(c)
	if !ok {
		return // a package variable: set anywhere
	}
	where, v := destination(pass, c, fn)
	if where == returned {
		return
	}
	escaped := where == escapes
	if where == local {
		var set []string
		set, escaped = fieldsSetOn(pass, fn, v)
		for _, f := range set {
			have.add(f)
		}
	}
	if escaped {
		for g := range pkgSet {
			have[g] = true
		}
	}
	var missing []string
	if !have["header"] {
		missing = append(missing, "ReadHeaderTimeout")
	}
	if !have["idle"] {
		missing = append(missing, "IdleTimeout")
	}
	if len(missing) == 0 {
		return
	}
	reporter.Report(pass, analysis.Diagnostic{
		Pos: lit.Pos(), End: lit.End(),
		Message:        "http.Server without " + strings.Join(missing, " and ") + ": quiet or slow clients hold its connections forever; set " + strings.Join(missing, " and ") + " (docs/07-server-no-idle-timeout.md)",
		SuggestedFixes: literalFix(pass, c, lit, missing),
	})
}

// Where a Server literal goes.
const (
	inline   = iota // used on the spot: (&http.Server{...}).ListenAndServe()
	local           // held in a local variable
	returned        // returned to the caller
	escapes         // stored in a field, passed on, put in a structure
)

// destination says where the literal at c goes, and the local variable
// that holds it, if any.
func destination(pass *analysis.Pass, c inspector.Cursor, fn inspector.Cursor) (int, *types.Var) {
	for {
		p := c.Parent()
		switch n := p.Node().(type) {
		case *ast.ParenExpr:
			c = p
			continue
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				c = p
				continue
			}
		case *ast.SelectorExpr:
			return inline, nil
		case *ast.ReturnStmt:
			return returned, nil
		case *ast.AssignStmt:
			for i, r := range n.Rhs {
				if r == c.Node() && len(n.Lhs) == len(n.Rhs) {
					if v := vetutil.ObjOf(pass, n.Lhs[i]); vetutil.IsLocal(v, fn.Node()) {
						return local, v
					}
				}
			}
		case *ast.ValueSpec:
			for i, val := range n.Values {
				if val == c.Node() && i < len(n.Names) {
					if v, _ := pass.TypesInfo.Defs[n.Names[i]].(*types.Var); vetutil.IsLocal(v, fn.Node()) {
						return local, v
					}
				}
			}
		}
		return escapes, nil
	}
}

// fieldsSetOn lists the timeout fields the function assigns on v, and
// whether v leaves the function (returned, passed on, stored).
func fieldsSetOn(pass *analysis.Pass, fn inspector.Cursor, v *types.Var) (set []string, escaped bool) {
	for c := range fn.Preorder((*ast.Ident)(nil)) {
		if pass.TypesInfo.Uses[c.Node().(*ast.Ident)] != v {
			continue
		}
		switch p := c.Parent().Node().(type) {
		case *ast.SelectorExpr:
			if _, ok := guards[p.Sel.Name]; ok && vetutil.IsAssigned(c.Parent()) {
				set = append(set, p.Sel.Name)
			}
		case *ast.ReturnStmt, *ast.CallExpr, *ast.CompositeLit, *ast.KeyValueExpr, *ast.AssignStmt:
			if !vetutil.IsAssigned(c) {
				escaped = true
			}
		}
	}
	return set, escaped
}

// fieldsSetInPackage are the guards the package sets, anywhere, on any
// http.Server after construction (s.hs.IdleTimeout = ...).
func fieldsSetInPackage(pass *analysis.Pass, ins *inspector.Inspector) fields {
	set := fields{}
	for c := range ins.Root().Preorder((*ast.AssignStmt)(nil)) {
		for _, l := range c.Node().(*ast.AssignStmt).Lhs {
			sel, ok := l.(*ast.SelectorExpr)
			if !ok {
				continue
			}
			if _, ok := guards[sel.Sel.Name]; ok && vetutil.IsHTTP(pass.TypesInfo.TypeOf(sel.X), "Server") {
				set.add(sel.Sel.Name)
			}
		}
	}
	return set
}
