// Package vetutil holds what the leaklab analyzers share: the
// //leaklab:allow comment that marks a deliberate finding, the analyzer
// documentation taken from each doc.go, and the type tests on net/http
// and walks of the syntax tree they all make.
package vetutil
