package series

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Writer writes a series as CSV: the header first, then one row per
// Write. Every row must have as many cells as the header.
type Writer struct {
	cw    *csv.Writer
	width int
}

// NewWriter writes the header and returns a Writer for the rows.
func NewWriter(w io.Writer, header ...string) (*Writer, error) {
	if len(header) == 0 {
		return nil, errors.New("series: a CSV needs at least one column")
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	return &Writer{cw: cw, width: len(header)}, nil
}

// Write writes one row. Cells may be strings, integers, floats (written
// in the shortest form that reads back to the same value) or
// fmt.Stringers.
func (w *Writer) Write(cells ...any) error {
	if len(cells) != w.width {
		return fmt.Errorf("series: row of %d cells under a header of %d columns", len(cells), w.width)
	}
	rec := make([]string, len(cells))
	for i, c := range cells {
		rec[i] = Cell(c)
	}
	return w.cw.Write(rec)
}

// Flush writes what is buffered and reports any error of the writes.
func (w *Writer) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// Cell formats one value the way Write does.
func Cell(v any) string {
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
