// Package suite lists the leaklab analyzers and runs them over packages
// the way go vet does.
//
// Analyzers is what a driver registers: cmd/leaklab-vet hands it to
// multichecker (and so to go vet -vettool), and Run, used by leaklab vet,
// loads packages with golang.org/x/tools/go/packages, runs every analyzer
// with golang.org/x/tools/go/analysis/checker and returns the findings in
// go vet's order, each once.
//
// Each analyzer finds one pattern of the leak catalogue in source:
//
//	transportpercall  an http.Transport made per call     docs/01-new-client-per-request.md
//	bodyclose         a response body never closed        docs/02-body-not-closed.md
//	bodynotdrained    a body read in part, then closed    docs/03-body-not-drained.md
//	notimeout         a request with no timeout           docs/04-no-timeout.md
//	servertimeouts    a server without header/idle limits docs/07-server-no-idle-timeout.md
//
// idle-pool-too-small has no analyzer: whether MaxIdleConnsPerHost is too
// small depends on the concurrency at run time, which source does not
// show (docs/11-vet.md says what else source cannot show).
package suite
