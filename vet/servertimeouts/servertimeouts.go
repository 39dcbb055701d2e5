package servertimeouts

import (
	_ "embed"
	"go/ast"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/leaklab/leaklab/vet/internal/vetutil"
)

//go:embed doc.go
var doc string

var reporter = &vetutil.Reporter{Name: "servertimeouts"}

// Analyzer reports an HTTP server without header and idle timeouts.
var Analyzer = &analysis.Analyzer{
	Name:     "servertimeouts",
	Doc:      vetutil.Doc(doc, "servertimeouts"),
	URL:      "https://pkg.go.dev/github.com/leaklab/leaklab/vet/servertimeouts",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

func init() { reporter.RegisterFlags(&Analyzer.Flags) }

// The values the suggested fixes use, those of docs/07.
const (
	fixReadHeaderTimeout = "10 * time.Second"
	fixIdleTimeout       = "120 * time.Second"
)

func run(pass *analysis.Pass) (any, error) {
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	pkgSet := fieldsSetInPackage(pass, ins)
	for c := range ins.Root().Preorder((*ast.CallExpr)(nil), (*ast.CompositeLit)(nil)) {
		if vetutil.IsTestFile(pass, c.Node().Pos()) {
			continue
		}
		switch n := c.Node().(type) {
		case *ast.CallExpr:
			checkServe(pass, c, n)
		case *ast.CompositeLit:
			if vetutil.IsHTTP(pass.TypesInfo.TypeOf(n), "Server") {
				checkLiteral(pass, c, n, pkgSet)
			}
		}
	}
	return nil, nil
}

// checkServe reports http.ListenAndServe and its kin.
func checkServe(pass *analysis.Pass, c inspector.Cursor, call *ast.CallExpr) {
	if !vetutil.IsFunc(pass, call, "net/http", "ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS") {
		return
	}
	name := vetutil.Callee(pass, call).Name()
	reporter.Report(pass, analysis.Diagnostic{
		Pos: call.Pos(), End: call.End(),
		Message:        "http." + name + " serves with an http.Server that has no timeouts: quiet or slow clients hold its connections forever; use an http.Server with ReadHeaderTimeout and IdleTimeout (docs/07-server-no-idle-timeout.md)",
		SuggestedFixes: serveFix(pass, c, call, name),
	})
}
