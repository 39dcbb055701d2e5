package transportpercall

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/leaklab/leaklab/vet/internal/vetutil"
)

//go:embed doc.go
var doc string

var reporter = &vetutil.Reporter{Name: "transportpercall"}

// Analyzer reports an http.Transport made per call.
var Analyzer = &analysis.Analyzer{
	Name:      "transportpercall",
	Doc:       vetutil.Doc(doc, "transportpercall"),
	URL:       "https://pkg.go.dev/github.com/leaklab/leaklab/vet/transportpercall",
	Requires:  []*analysis.Analyzer{inspect.Analyzer},
	Run:       run,
	FactTypes: []analysis.Fact{new(sendsFact), new(factoryFact)},
}

func init() { reporter.RegisterFlags(&Analyzer.Flags) }

// sendsFact marks a function that sends requests through some of its
// parameters (their indexes) and keeps none of them.
type sendsFact struct{ Params []int }

func (*sendsFact) AFact()           {}
func (f *sendsFact) String() string { return fmt.Sprintf("sends through params %v", f.Params) }

func run(pass *analysis.Pass) (any, error) {
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	senders(pass, ins)
	factories(pass, ins)
	for c := range ins.Root().Preorder((*ast.CompositeLit)(nil), (*ast.CallExpr)(nil)) {
		making := isTransportMaking(pass, c.Node())
		result, isFactory := factoryCall(pass, c.Node())
		isFactory = isFactory && !making
		if !isFactory && !making {
			continue
		}
		fn, ok := vetutil.EnclosingFunc(c)
		if !ok || runsOnce(pass, fn, c) {
			continue
		}
		g := newGroup(pass, fn)
		g.result = result
		g.flow(c)
		if !g.leaks(c) {
			continue
		}
		msg := "http.Transport made for this call only: its connections are never reused and the idle ones stay open; make one Transport (or Client) and share it (docs/01-new-client-per-request.md)"
		if isFactory {
			msg = vetutil.Callee(pass, c.Node().(*ast.CallExpr)).Name() + " makes a new Transport, here for this call only: its connections are never reused and the idle ones stay open; call it once and share what it returns (docs/01-new-client-per-request.md)"
		}
		reporter.Report(pass, analysis.Diagnostic{Pos: c.Node().Pos(), End: c.Node().End(), Message: msg})
	}
	return nil, nil
}

// isTransportMaking reports whether n makes a new http.Transport: a
// composite literal, new(http.Transport) or a Clone.
func isTransportMaking(pass *analysis.Pass, n ast.Node) bool {
	switch n := n.(type) {
	case *ast.CompositeLit:
		return vetutil.IsHTTP(pass.TypesInfo.TypeOf(n), "Transport")
	case *ast.CallExpr:
		if vetutil.IsMethod(pass, n, "Transport", "Clone") {
			return true
		}
		if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && len(n.Args) == 1 {
			if b, ok := pass.TypesInfo.Uses[id].(*types.Builtin); ok && b.Name() == "new" {
				return vetutil.IsHTTP(pass.TypesInfo.TypeOf(n), "Transport")
			}
		}
	}
	return false
}

// runsOnce reports whether c is made in a function that runs once per
// program or test (main, init, TestXxx..., a subtest's body), outside any
// loop of it.
func runsOnce(pass *analysis.Pass, fn, c inspector.Cursor) bool {
	if _, ok := fn.Node().(*ast.FuncLit); ok {
		return isSubtest(pass, fn) && !vetutil.InLoop(c)
	}
	d, ok := fn.Node().(*ast.FuncDecl)
	if !ok || d.Recv != nil {
		return false
	}
	name := d.Name.Name
	once := name == "main" || name == "init"
	for _, p := range []string{"Test", "Benchmark", "Fuzz", "Example"} {
		once = once || strings.HasPrefix(name, p)
	}
	return once && !vetutil.InLoop(c)
}

// isSubtest reports whether the function literal at fn is the body of a
// subtest or sub-benchmark: t.Run(name, func(t *testing.T) {...}).
func isSubtest(pass *analysis.Pass, fn inspector.Cursor) bool {
	call, ok := fn.Parent().Node().(*ast.CallExpr)
	if !ok {
		return false
	}
	f := vetutil.Callee(pass, call)
	if f == nil || f.Name() != "Run" {
		return false
	}
	recv := f.Type().(*types.Signature).Recv()
	return recv != nil && (vetutil.IsNamed(recv.Type(), "testing", "T") || vetutil.IsNamed(recv.Type(), "testing", "B"))
}
