package suite

import (
	"golang.org/x/tools/go/analysis"

	"github.com/leaklab/leaklab/vet/bodyclose"
	"github.com/leaklab/leaklab/vet/bodynotdrained"
	"github.com/leaklab/leaklab/vet/notimeout"
	"github.com/leaklab/leaklab/vet/servertimeouts"
	"github.com/leaklab/leaklab/vet/transportpercall"
)

// Analyzers returns every leaklab analyzer, in the catalogue's order.
func Analyzers() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		transportpercall.Analyzer,
		bodyclose.Analyzer,
		bodynotdrained.Analyzer,
		notimeout.Analyzer,
		servertimeouts.Analyzer,
	}
}
