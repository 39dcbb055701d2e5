// Package series writes and reads time series as CSV: a header, then one
// row per sample. Socket counts take one column per TCP state, named
// "<side>_<state>" in lower case ("client_established",
// "server_time_wait"), in the order a connection goes through the states,
// so every leaklab command that writes a series writes the same columns.
//
//	w, err := series.NewWriter(out, append([]string{"t"}, series.StateColumns("client")...)...)
//	...
//	err = w.Write(append([]any{s.T}, series.StateCells(s.Client)...)...)
//	...
//	err = w.Flush()
//
// ReadCSV reads such a file back, by column name.
package series
