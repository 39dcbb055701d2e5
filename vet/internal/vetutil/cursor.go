package vetutil

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/token"

	"golang.org/x/tools/go/ast/inspector"
)

// EnclosingFunc is the innermost function declaration or literal around c.
func EnclosingFunc(c inspector.Cursor) (inspector.Cursor, bool) {
	for f := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return f, true
	}
	return inspector.Cursor{}, false
}

// EnclosingFile is the file that holds c, nil if none does.
func EnclosingFile(c inspector.Cursor) *ast.File {
	for f := range c.Enclosing((*ast.File)(nil)) {
		return f.Node().(*ast.File)
	}
	return nil
}

// InLoop reports whether a loop of the innermost function around c holds c.
func InLoop(c inspector.Cursor) bool {
	for a := range c.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		switch a.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return true
		default:
			return false
		}
	}
	return false
}

// IsAssigned reports whether the expression at c is assigned to (on the
// left of an assignment), not read.
func IsAssigned(c inspector.Cursor) bool {
	a, ok := c.Parent().Node().(*ast.AssignStmt)
	if !ok {
		return false
	}
	for _, l := range a.Lhs {
		if l == c.Node() {
			return true
		}
	}
	return false
}

// Render is n as gofmt prints it.
func Render(fset *token.FileSet, n ast.Node) string {
	var buf bytes.Buffer
	_ = format.Node(&buf, fset, n)
	return buf.String()
}
