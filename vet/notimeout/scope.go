package notimeout

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/leaklab/leaklab/vet/internal/vetutil"
)

// scope answers questions about the values of one function's local
// variables, from their assignments in that function.
type scope struct {
	pass *analysis.Pass
	fn   inspector.Cursor
}

// values are the expressions assigned to the local variable v in the
// function (its declaration included); ok is false when v is not local,
// or is assigned in a way that cannot be followed (a tuple from a call,
// its address taken).
func (s *scope) values(v *types.Var) (vals []ast.Expr, ok bool) {
	if !vetutil.IsLocal(v, s.fn.Node()) {
		return nil, false
	}
	ok = true
	for c := range s.fn.Preorder((*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil), (*ast.UnaryExpr)(nil)) {
		switch n := c.Node().(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if vetutil.ObjOf(s.pass, l) != v {
					continue
				}
				if len(n.Lhs) != len(n.Rhs) {
					ok = false
					continue
				}
				vals = append(vals, n.Rhs[i])
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if s.pass.TypesInfo.Defs[name] == v && i < len(n.Values) {
					vals = append(vals, n.Values[i])
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND && vetutil.ObjOf(s.pass, n.X) == v {
				ok = false
			}
		}
	}
	return vals, ok && len(vals) > 0
}

// timeoutless names the client e when it visibly has no Timeout:
// http.DefaultClient, or a Client literal without one (directly or in a
// local variable whose Timeout is never set). "" otherwise.
func (s *scope) timeoutless(e ast.Expr) string {
	e = ast.Unparen(e)
	if vetutil.IsPkgVar(s.pass, e, "net/http", "DefaultClient") {
		return "http.DefaultClient"
	}
	if lit := clientLit(e); lit != nil {
		if s.litTimeoutless(lit) {
			return "an http.Client"
		}
		return ""
	}
	v := vetutil.ObjOf(s.pass, e)
	if v == nil || s.fieldSet(v, "Timeout") {
		return ""
	}
	vals, ok := s.values(v)
	if !ok {
		return ""
	}
	for _, val := range vals {
		val = ast.Unparen(val)
		if vetutil.IsPkgVar(s.pass, val, "net/http", "DefaultClient") {
			continue
		}
		if lit := clientLit(val); lit == nil || !s.litTimeoutless(lit) {
			return ""
		}
	}
	return v.Name()
}

// clientLit is the http.Client literal e is (&http.Client{...} or
// http.Client{...}), nil otherwise.
func clientLit(e ast.Expr) *ast.CompositeLit {
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = u.X
	}
	lit, _ := ast.Unparen(e).(*ast.CompositeLit)
	return lit
}

// litTimeoutless reports whether lit is an http.Client literal with no
// Timeout (or a constant 0) and no Transport with ResponseHeaderTimeout.
func (s *scope) litTimeoutless(lit *ast.CompositeLit) bool {
	if !vetutil.IsHTTP(s.pass.TypesInfo.TypeOf(lit), "Client") {
		return false
	}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			return false
		}
		switch kv.Key.(*ast.Ident).Name {
		case "Timeout":
			if !vetutil.IsZero(s.pass, kv.Value) {
				return false
			}
		case "Transport":
			if s.headerTimeout(kv.Value) {
				return false
			}
		}
	}
	return true
}

// headerTimeout reports whether e is, or may be, a Transport with a
// ResponseHeaderTimeout; only a Transport literal without one, made in
// the function, is sure not to be.
func (s *scope) headerTimeout(e ast.Expr) bool {
	if v := vetutil.ObjOf(s.pass, e); v != nil {
		vals, ok := s.values(v)
		if !ok || len(vals) != 1 || s.fieldSet(v, "ResponseHeaderTimeout") {
			return true
		}
		e = vals[0]
	}
	lit := clientLit(ast.Unparen(e))
	if lit == nil || !vetutil.IsHTTP(s.pass.TypesInfo.TypeOf(lit), "Transport") {
		return true
	}
	kv := vetutil.Field(lit, "ResponseHeaderTimeout")
	return kv != nil && !vetutil.IsZero(s.pass, kv.Value)
}

// fieldSet reports whether the function assigns v.field.
func (s *scope) fieldSet(v *types.Var, field string) bool {
	for c := range s.fn.Preorder((*ast.AssignStmt)(nil)) {
		for _, l := range c.Node().(*ast.AssignStmt).Lhs {
			if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == field && vetutil.ObjOf(s.pass, sel.X) == v {
				return true
			}
		}
	}
	return false
}

// noDeadline reports whether the request req visibly has no deadline: a
// local variable made by http.NewRequest, or by NewRequestWithContext
// with a context that has none.
func (s *scope) noDeadline(req ast.Expr) bool {
	v := vetutil.ObjOf(s.pass, req)
	if v == nil {
		return false
	}
	vals, ok := s.requestValues(v)
	if !ok {
		return false
	}
	for _, val := range vals {
		call, ok := ast.Unparen(val).(*ast.CallExpr)
		switch {
		case !ok:
			return false
		case vetutil.IsFunc(s.pass, call, "net/http", "NewRequest"):
		case vetutil.IsFunc(s.pass, call, "net/http", "NewRequestWithContext"):
			if !s.ctxNoDeadline(call.Args[0], 0) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// requestValues are the calls that make the request variable v:
// req, err := http.NewRequest(...) is a tuple, so values cannot be used.
func (s *scope) requestValues(v *types.Var) ([]ast.Expr, bool) {
	if !vetutil.IsLocal(v, s.fn.Node()) {
		return nil, false
	}
	var vals []ast.Expr
	for c := range s.fn.Preorder((*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil)) {
		switch n := c.Node().(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if vetutil.ObjOf(s.pass, l) != v {
					continue
				}
				if len(n.Rhs) == 1 {
					vals = append(vals, n.Rhs[0])
				} else {
					vals = append(vals, n.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			for _, name := range n.Names {
				if s.pass.TypesInfo.Defs[name] == v && len(n.Values) > 0 {
					return nil, false
				}
			}
		}
	}
	return vals, len(vals) > 0
}

// ctxNoDeadline reports whether the context e visibly has no deadline.
func (s *scope) ctxNoDeadline(e ast.Expr, depth int) bool {
	if depth > 8 {
		return false
	}
	if v := vetutil.ObjOf(s.pass, e); v != nil {
		vals, ok := s.requestValues(v)
		if !ok {
			return false // a parameter: the caller's context
		}
		for _, val := range vals {
			if !s.ctxNoDeadline(val, depth+1) {
				return false
			}
		}
		return true
	}
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	switch {
	case !ok:
		return false
	case vetutil.IsFunc(s.pass, call, "context", "Background", "TODO", "WithoutCancel"):
		return true // WithoutCancel drops the parent's deadline too
	case vetutil.IsFunc(s.pass, call, "context", "WithCancel", "WithValue", "WithCancelCause"):
		return len(call.Args) > 0 && s.ctxNoDeadline(call.Args[0], depth+1)
	}
	return false
}
