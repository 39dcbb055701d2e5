package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// seriesWriter writes a series as CSV: the header first, then one row per
// Write. Every row must have as many cells as the header.
type seriesWriter struct {
	cw    *csv.Writer
	width int
}

// newSeriesWriter writes the header and returns a seriesWriter for the
// rows.
func newSeriesWriter(w io.Writer, header ...string) (*seriesWriter, error) {
	if len(header) == 0 {
		return nil, errors.New("series CSV: a CSV needs at least one column")
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	return &seriesWriter{cw: cw, width: len(header)}, nil
}

// Write writes one row. Cells may be strings, integers, floats (written
// in the shortest form that reads back to the same value) or
// fmt.Stringers.
func (w *seriesWriter) Write(cells ...any) error {
	if len(cells) != w.width {
		return fmt.Errorf("series CSV: row of %d cells under a header of %d columns", len(cells), w.width)
	}
	rec := make([]string, len(cells))
	for i, c := range cells {
		rec[i] = cell(c)
	}
	return w.cw.Write(rec)
}

// Flush writes what is buffered and reports any error of the writes.
func (w *seriesWriter) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// cell formats one value the way Write does.
func cell(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
