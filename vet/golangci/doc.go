// Package golangci registers the leaklab analyzers as a golangci-lint
// module plugin named "leaklab" (github.com/golangci/plugin-module-register).
//
// A custom golangci-lint binary built by golangci-lint custom from a
// .custom-gcl.yml that names this package runs them as one linter:
//
//	# .custom-gcl.yml
//	version: v2.15.0
//	plugins:
//	  - module: github.com/leaklab/leaklab
//	    import: github.com/leaklab/leaklab/vet/golangci
//	    version: latest
//
//	# .golangci.yml
//	version: "2"
//	linters:
//	  enable:
//	    - leaklab
//	  settings:
//	    custom:
//	      leaklab:
//	        type: module
//	        description: the leak catalogue found in source
//	        settings:
//	          allowed: false
//
// (or path: to a local checkout instead of version:). The one setting,
// allowed, also reports the findings a //leaklab:allow comment allows.
//
// This package's registration and settings are tested; a golangci-lint
// built by golangci-lint custom with it has not been: golangci-lint
// custom clones golangci-lint's own repository with git, which the
// kit's build machines cannot reach.
package golangci
