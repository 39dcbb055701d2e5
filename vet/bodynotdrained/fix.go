package bodynotdrained

import (
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/leaklab/leaklab/vet/internal/vetutil"
)

// drainFix inserts io.Copy(io.Discard, body) before the Close at cl: on
// the line before its statement, or, for a deferred Close, inside a
// deferred function. None when the file does not import io.
func drainFix(pass *analysis.Pass, cl inspector.Cursor, b *body) []analysis.SuggestedFix {
	file := vetutil.EnclosingFile(cl)
	if file == nil {
		return nil
	}
	io := vetutil.ImportName(file, "io")
	if io == "" {
		return nil
	}
	call := cl.Node().(*ast.CallExpr)
	bodyExpr := vetutil.Render(pass.Fset, call.Fun.(*ast.SelectorExpr).X)
	drain := "_, _ = " + io + ".Copy(" + io + ".Discard, " + bodyExpr + ")"
	stmt := statementOf(cl)
	if stmt == nil {
		return nil
	}
	if d, ok := stmt.Node().(*ast.DeferStmt); ok && d.Call == call {
		return []analysis.SuggestedFix{{
			Message: "drain the body before the deferred Close",
			TextEdits: []analysis.TextEdit{{
				Pos: d.Pos(), End: d.End(),
				NewText: []byte("defer func() {\n" + indent(pass, d.Pos()) + "\t" + drain + "\n" + indent(pass, d.Pos()) + "\t" + vetutil.Render(pass.Fset, call) + "\n" + indent(pass, d.Pos()) + "}()"),
			}},
		}}
	}
	return []analysis.SuggestedFix{{
		Message: "drain the body before Close",
		TextEdits: []analysis.TextEdit{{
			Pos: stmt.Node().Pos(), End: stmt.Node().Pos(),
			NewText: []byte(drain + "\n" + indent(pass, stmt.Node().Pos())),
		}},
	}}
}

// statementOf is the statement, in a statement list, that holds c.
func statementOf(c inspector.Cursor) *inspector.Cursor {
	for a := range c.Enclosing() {
		if _, ok := a.Node().(ast.Stmt); !ok {
			continue
		}
		switch a.Parent().Node().(type) {
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
			return &a
		}
	}
	return nil
}

// indent is the tab indentation of the line pos starts on (gofmt's).
func indent(pass *analysis.Pass, pos token.Pos) string {
	return strings.Repeat("\t", pass.Fset.Position(pos).Column-1)
}
