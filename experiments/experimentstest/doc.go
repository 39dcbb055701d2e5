// Package experimentstest builds comparison reports with fixed numbers,
// for the golden-file and round-trip tests of the packages that render,
// draw and save runs (experiments, report, chart): the same picture every
// time, no server needed. It sits beside experiments, whose types it
// fills, as httptest sits beside net/http.
package experimentstest
