// Command leaklab-vet runs the leaklab analyzers (see package
// github.com/leaklab/leaklab/vet/suite), the leak catalogue found in
// source.
//
// As a vet tool:
//
//	go vet -vettool=$(which leaklab-vet) ./...
//
// or on its own, with package patterns, like any multichecker:
//
//	leaklab-vet ./...
//	leaklab-vet -transportpercall.allowed ./clients/...
//
// multichecker.Main does both: given go vet's single .cfg file it runs as
// a unitchecker, given patterns it loads the packages itself. Findings an
// allow comment (//leaklab:allow <analyzer> <reason>) allows are left out
// unless -<analyzer>.allowed is given.
package main

import (
	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/leaklab/leaklab/vet/suite"
)

func main() { multichecker.Main(suite.Analyzers()...) }
