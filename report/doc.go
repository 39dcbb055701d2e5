// Package report turns a comparison run into files: the whole run as JSON
// (and back), its time series as CSV (and back), and a self-contained HTML
// page with charts of the sockets by state, the requests and the errors
// over time, the bound a correct client stays under, the comparison table
// and the run's settings.
//
// The page needs no network to open: the charting library (Apache ECharts,
// driven through go-echarts) is embedded in the binary and inlined in the
// page.
package report
