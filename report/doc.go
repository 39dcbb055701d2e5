// Package report turns a comparison run into files: the run document as
// JSON (and back, schema version 1 files included), its time series as
// the series CSV (and back; docs/RUN-FORMAT.md describes both), and a
// self-contained HTML page with charts of the sockets by state, the requests and the errors
// over time, the bound a correct client stays under, the comparison table
// and the run's settings.
//
// The page needs no network to open: the charting library (Apache ECharts,
// driven through go-echarts) is embedded in the binary and inlined in the
// page.
//
// The series CSV has one column per TCP state and side, named
// "<side>_<state>" in lower case ("client_established",
// "server_time_wait"), in the order a connection goes through the
// states.
package report
