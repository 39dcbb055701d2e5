package servertimeouts

import (
	"go/ast"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/leaklab/leaklab/vet/internal/vetutil"
)

// literalFix adds the missing fields to lit, when the file imports time.
func literalFix(pass *analysis.Pass, c inspector.Cursor, lit *ast.CompositeLit, missing []string) []analysis.SuggestedFix {
	tm := timeName(c)
	if tm == "" {
		return nil
	}
	var add []string
	var edits []analysis.TextEdit
	for _, m := range missing {
		if kv := vetutil.Field(lit, m); kv != nil { // set to 0: give it a value
			edits = append(edits, analysis.TextEdit{Pos: kv.Value.Pos(), End: kv.Value.End(), NewText: []byte(value(m, tm))})
			continue
		}
		add = append(add, m+": "+value(m, tm))
	}
	var text string
	multiline := pass.Fset.Position(lit.Rbrace).Line > pass.Fset.Position(lit.Lbrace).Line
	switch {
	case multiline:
		ind := strings.Repeat("\t", pass.Fset.Position(lit.Rbrace).Column-1)
		for _, a := range add {
			text += "\t" + a + ",\n" + ind
		}
	case len(lit.Elts) > 0:
		text = ", " + strings.Join(add, ", ")
	default:
		text = strings.Join(add, ", ")
	}
	if len(add) > 0 {
		edits = append(edits, analysis.TextEdit{Pos: lit.Rbrace, End: lit.Rbrace, NewText: []byte(text)})
	}
	return []analysis.SuggestedFix{{Message: "set " + strings.Join(missing, " and "), TextEdits: edits}}
}

func value(field, tm string) string {
	v := fixIdleTimeout
	if field == "ReadHeaderTimeout" {
		v = fixReadHeaderTimeout
	}
	return strings.ReplaceAll(v, "time.", tm+".")
}

// serveFix rewrites http.ListenAndServe(addr, h) and its kin as the same
// method of an http.Server with both timeouts, when the file imports time.
func serveFix(pass *analysis.Pass, c inspector.Cursor, call *ast.CallExpr, name string) []analysis.SuggestedFix {
	tm := timeName(c)
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if tm == "" || !ok || call.Ellipsis.IsValid() {
		return nil
	}
	args := make([]string, len(call.Args))
	for i, a := range call.Args {
		args[i] = vetutil.Render(pass.Fset, a)
	}
	var fieldsText, rest string
	switch {
	case name == "ListenAndServe" && len(args) == 2:
		fieldsText, rest = "Addr: "+args[0]+", Handler: "+args[1], ""
	case name == "ListenAndServeTLS" && len(args) == 4:
		fieldsText, rest = "Addr: "+args[0]+", Handler: "+args[3], args[1]+", "+args[2]
	case name == "Serve" && len(args) == 2:
		fieldsText, rest = "Handler: "+args[1], args[0]
	case name == "ServeTLS" && len(args) == 4:
		fieldsText, rest = "Handler: "+args[1], args[0]+", "+args[2]+", "+args[3]
	default:
		return nil
	}
	pkg := vetutil.Render(pass.Fset, sel.X)
	text := "(&" + pkg + ".Server{" + fieldsText +
		", ReadHeaderTimeout: " + value("ReadHeaderTimeout", tm) +
		", IdleTimeout: " + value("IdleTimeout", tm) + "})." + name + "(" + rest + ")"
	return []analysis.SuggestedFix{{
		Message:   "serve with an http.Server that has ReadHeaderTimeout and IdleTimeout",
		TextEdits: []analysis.TextEdit{{Pos: call.Pos(), End: call.End(), NewText: []byte(text)}},
	}}
}

// timeName is the name the file of c imports "time" under, "" if none.
func timeName(c inspector.Cursor) string {
	f := vetutil.EnclosingFile(c)
	if f == nil {
		return ""
	}
	return vetutil.ImportName(f, "time")
}
