package transportpercall

import (
	"go/ast"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// senders finds the functions of the package that send requests through
// a parameter and keep none (helpers such as get(ctx, client, url)), and
// exports them as facts, so that passing a fresh Client to one counts as
// sending through it. It repeats until nothing changes, since one such
// helper may call another.
func senders(pass *analysis.Pass, ins *inspector.Inspector) {
	var decls []inspector.Cursor
	for c := range ins.Root().Preorder((*ast.FuncDecl)(nil)) {
		if c.Node().(*ast.FuncDecl).Body != nil {
			decls = append(decls, c)
		}
	}
	for changed := true; changed; {
		changed = false
		for _, c := range decls {
			if updateSender(pass, c) {
				changed = true
			}
		}
	}
}

// updateSender recomputes the fact of the function at c; it reports
// whether it changed.
func updateSender(pass *analysis.Pass, c inspector.Cursor) bool {
	d := c.Node().(*ast.FuncDecl)
	f, _ := pass.TypesInfo.Defs[d.Name].(*types.Func)
	if f == nil {
		return false
	}
	var params []int
	i := 0
	for _, field := range d.Type.Params.List {
		for _, name := range field.Names {
			if v, _ := pass.TypesInfo.Defs[name].(*types.Var); v != nil && sendsOnly(pass, c, v) {
				params = append(params, i)
			}
			i++
		}
		if len(field.Names) == 0 {
			i++
		}
	}
	var old sendsFact
	had := pass.ImportObjectFact(f, &old)
	if slices.Equal(old.Params, params) || !had && len(params) == 0 {
		return false
	}
	pass.ExportObjectFact(f, &sendsFact{Params: params})
	return true
}

// sendsOnly reports whether the function at fn sends through its
// parameter v, outside loops and callbacks, and does not keep it.
func sendsOnly(pass *analysis.Pass, fn inspector.Cursor, v *types.Var) bool {
	g := newGroup(pass, fn)
	g.follow(v)
	if g.kept || len(g.sends) == 0 {
		return false
	}
	body, _ := fn.FindNode(fn.Node().(*ast.FuncDecl).Body)
	for _, s := range g.sends {
		if reused(s, body, fn) {
			return false
		}
	}
	return true
}

// sendsThrough reports whether f sends through its parameter i and keeps
// it not.
func sendsThrough(pass *analysis.Pass, f *types.Func, i int) bool {
	var fact sendsFact
	return i >= 0 && pass.ImportObjectFact(f, &fact) && slices.Contains(fact.Params, i)
}
