package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/leaklab/leaklab/netstat"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteThenRead(t *testing.T) {
	var b bytes.Buffer
	header := append([]string{"t", "name"}, stateColumns("client")...)
	w, err := newSeriesWriter(&b, header...)
	require.NoError(t, err)
	counts := netstat.StateCounts{netstat.Established: 12, netstat.TimeWait: 3}
	require.NoError(t, w.Write(append([]any{0.1 + 0.2, "faulty"}, stateCells(counts)...)...))
	require.NoError(t, w.Flush())
	assert.True(t, strings.HasPrefix(b.String(), "t,name,client_syn_sent,client_syn_recv,client_established,"), b.String())

	tab, err := readTable(&b)
	require.NoError(t, err)
	require.Len(t, tab.Rows, 1)
	tv, err := tab.Float(0, "t")
	require.NoError(t, err)
	assert.Equal(t, 0.1+0.2, tv, "floats read back to the same value")
	got, err := tab.StateCounts(0, "client")
	require.NoError(t, err)
	assert.Equal(t, counts, got, "only the states that hold sockets")
}

func TestWriterRejectsRowsOfTheWrongWidth(t *testing.T) {
	w, err := newSeriesWriter(&bytes.Buffer{}, "a", "b")
	require.NoError(t, err)
	assert.ErrorContains(t, w.Write(1), "row of 1 cells under a header of 2 columns")
	_, err = newSeriesWriter(&bytes.Buffer{})
	assert.Error(t, err)
}

func TestCell(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{{"x", "x"}, {42, "42"}, {int64(-3), "-3"}, {0.25, "0.25"}, {float32(1.5), "1.5"}, {2 * time.Second, "2s"}} {
		assert.Equal(t, tc.want, cell(tc.in))
	}
}

func TestReadErrors(t *testing.T) {
	_, err := readTable(strings.NewReader(""))
	assert.ErrorContains(t, err, "empty")
	tab, err := readTable(strings.NewReader("t,n\nx,-1\n"))
	require.NoError(t, err)
	_, err = tab.Float(0, "t")
	assert.ErrorContains(t, err, `"x" is not a number`)
	_, err = tab.Int(0, "missing")
	assert.ErrorContains(t, err, `no column "missing"`)
	_, err = tab.Int(5, "n")
	assert.ErrorContains(t, err, "no row 6")
	_, err = tab.StateCounts(0, "client")
	assert.Error(t, err)
}
