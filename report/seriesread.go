package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// table is a series read back from CSV: its header and its rows, cells
// as text, looked up by column name.
type table struct {
	Header []string
	Rows   [][]string
	index  map[string]int
}

// readTable reads a CSV with a header line. Every row must have as many
// cells as the header.
func readTable(r io.Reader) (table, error) {
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return table{}, fmt.Errorf("read CSV: %w", err)
	}
	if len(recs) == 0 {
		return table{}, errors.New("read CSV: empty, not even a header")
	}
	t := table{Header: recs[0], Rows: recs[1:], index: map[string]int{}}
	for i, h := range t.Header {
		t.index[h] = i
	}
	return t, nil
}

// Rename gives column from the name to; it does nothing if there is no
// such column.
func (t *table) Rename(from, to string) {
	j, ok := t.index[from]
	if !ok {
		return
	}
	t.Header[j] = to
	delete(t.index, from)
	t.index[to] = j
}

// Has reports whether the table has a column.
func (t table) Has(col string) bool {
	_, ok := t.index[col]
	return ok
}

// String returns the cell of row i (0: the first row after the header)
// in a column.
func (t table) String(i int, col string) (string, error) {
	j, ok := t.index[col]
	if !ok {
		return "", fmt.Errorf("no column %q in the header %v", col, t.Header)
	}
	if i < 0 || i >= len(t.Rows) {
		return "", fmt.Errorf("no row %d: the table has %d", i+1, len(t.Rows))
	}
	return t.Rows[i][j], nil
}

// Int returns the cell of row i in a column as an integer.
func (t table) Int(i int, col string) (int64, error) {
	s, err := t.String(i, col)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("row %d, column %s: %q is not an integer", i+1, col, s)
	}
	return n, nil
}

// Float returns the cell of row i in a column as a number.
func (t table) Float(i int, col string) (float64, error) {
	s, err := t.String(i, col)
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("row %d, column %s: %q is not a number", i+1, col, s)
	}
	return f, nil
}
