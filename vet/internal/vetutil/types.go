package vetutil

import (
	"go/ast"
	"go/constant"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// IsNamed reports whether t, or what t points to, is the named type
// pkg.name.
func IsNamed(t types.Type, pkg, name string) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	o := n.Obj()
	return o.Pkg() != nil && o.Pkg().Path() == pkg && o.Name() == name
}

// IsHTTP reports whether t is net/http's name, or a pointer to it.
func IsHTTP(t types.Type, name string) bool { return IsNamed(t, "net/http", name) }

// Callee is the function or method call calls, nil for a call of a
// function value, a conversion or a builtin.
func Callee(pass *analysis.Pass, call *ast.CallExpr) *types.Func {
	f, _ := typeutil.Callee(pass.TypesInfo, call).(*types.Func)
	return f
}

// IsFunc reports whether call calls the package-level function pkg.name
// (one of names).
func IsFunc(pass *analysis.Pass, call *ast.CallExpr, pkg string, names ...string) bool {
	f := Callee(pass, call)
	if f == nil || f.Pkg() == nil || f.Pkg().Path() != pkg {
		return false
	}
	if sig, _ := f.Type().(*types.Signature); sig == nil || sig.Recv() != nil {
		return false
	}
	for _, n := range names {
		if f.Name() == n {
			return true
		}
	}
	return false
}

// IsMethod reports whether call calls method name (one of names) of
// net/http's type recv.
func IsMethod(pass *analysis.Pass, call *ast.CallExpr, recv string, names ...string) bool {
	f := Callee(pass, call)
	if f == nil {
		return false
	}
	sig, _ := f.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil || !IsHTTP(sig.Recv().Type(), recv) {
		return false
	}
	for _, n := range names {
		if f.Name() == n {
			return true
		}
	}
	return false
}

// ObjOf is the variable e names (an identifier, maybe in parentheses),
// nil otherwise.
func ObjOf(pass *analysis.Pass, e ast.Expr) *types.Var {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	v, _ := pass.TypesInfo.ObjectOf(id).(*types.Var)
	return v
}

// IsPkgVar reports whether e (maybe in parentheses) is a selector that
// names the package-level variable name of the package pkgPath, such as
// http.DefaultClient, whatever name the file imports the package under.
func IsPkgVar(pass *analysis.Pass, e ast.Expr, pkgPath, name string) bool {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return false
	}
	v, ok := pass.TypesInfo.Uses[sel.Sel].(*types.Var)
	return ok && v.Pkg() != nil && v.Pkg().Path() == pkgPath
}

// IsLocal reports whether v is declared inside fn (a parameter counts).
func IsLocal(v *types.Var, fn ast.Node) bool {
	return v != nil && !v.IsField() && fn.Pos() <= v.Pos() && v.Pos() < fn.End()
}

// ImportName is the name file imports path under, "" when it does not
// import it (or imports it as _ or .).
func ImportName(file *ast.File, path string) string {
	for _, imp := range file.Imports {
		if imp.Path.Value != `"`+path+`"` {
			continue
		}
		if imp.Name == nil {
			return path[strings.LastIndexByte(path, '/')+1:]
		}
		if imp.Name.Name == "_" || imp.Name.Name == "." {
			return ""
		}
		return imp.Name.Name
	}
	return ""
}

// Field is the name: value element of the struct literal lit, nil if
// lit sets no field name by key.
func Field(lit *ast.CompositeLit, name string) *ast.KeyValueExpr {
	for _, el := range lit.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok && kv.Key.(*ast.Ident).Name == name {
			return kv
		}
	}
	return nil
}

// IsZero reports whether e is a numeric constant 0.
func IsZero(pass *analysis.Pass, e ast.Expr) bool {
	tv, ok := pass.TypesInfo.Types[e]
	if !ok || tv.Value == nil {
		return false
	}
	switch tv.Value.Kind() {
	case constant.Int, constant.Float:
		return constant.Sign(tv.Value) == 0
	}
	return false
}
