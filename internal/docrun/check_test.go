package docrun

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// block is a comparison block as leaklab compare prints it.
const block = `scenario new-client-per-request: delay 200ms, one request every 20ms plus 0..2 more, for 2s (seed 1)
┌─────────┬──────────┬─────┬───────────────┬─────────┐
│ variant │ requests │ ok  │ settled ESTAB │ verdict │
├─────────┼──────────┼─────┼───────────────┼─────────┤
│ faulty  │ 178      │ 178 │ 178           │ LEAKING │
│ fixed   │ 178      │ 178 │ 2             │ BOUNDED │
└─────────┴──────────┴─────┴───────────────┴─────────┘
LEAKING  faulty: 178 of 178 finished requests left their connection ESTABLISHED after the load
BOUNDED  fixed: peaked at 26 ESTABLISHED and settled to 2 idle`

func marker(t *testing.T, fields string) *Marker {
	t.Helper()
	ms, err := Parse("x.md", "<!-- run: leaklab compare "+fields+" -->\n```\n"+block+"\n```\n")
	require.NoError(t, err)
	require.Len(t, ms, 1)
	return ms[0]
}

func TestSkeleton(t *testing.T) {
	assert.Equal(t, Skeleton("│ faulty  │ 178      │ 2 │"), Skeleton("│ faulty │ 96 │ 12     │"))
	assert.Equal(t, Skeleton("├──────┼──┤"), Skeleton("├─┼────────┤"))
	assert.Equal(t, Skeleton("connect time min 152µs p99 1.248ms"), Skeleton("connect time min 1.2ms p99 3s"))
	assert.Equal(t, Skeleton("rss=14.9MB, 116.4 KB per connection"), Skeleton("rss=920KB, 1.5 MB per connection"))
	assert.NotEqual(t, Skeleton("LEAKING  faulty: x"), Skeleton("BOUNDED  faulty: x"))
	assert.Equal(t, []string{"178", "2", "26"}, Numbers("178 of 2 at 26 after 1.5s and 3 MB"))
}

func TestCompareSameRunPasses(t *testing.T) {
	m := marker(t, "")
	fresh := strings.ReplaceAll(strings.ReplaceAll(block, "178", "190"), "for 2s", "for 2.5s")
	assert.Empty(t, m.Compare(strings.Split(block, "\n"), m.Lines(fresh), true))
}

// TestChangedVerdictFails is the check's reason to be: a run whose
// verdict line changed fails, whatever its numbers.
func TestChangedVerdictFails(t *testing.T) {
	m := marker(t, "| check: verdict")
	fresh := strings.Replace(block, "BOUNDED  fixed: peaked", "LEAKING  fixed: peaked", 1)
	ps := m.Compare(strings.Split(block, "\n"), m.Lines(fresh), false)
	require.Len(t, ps, 1)
	assert.Equal(t, "verdict", ps[0].Check)
	assert.Contains(t, ps[0].Msg, "LEAKING  fixed: peaked")

	fresh = strings.Replace(block, "settled to 2 idle", "never settled", 1)
	assert.NotEmpty(t, m.Compare(strings.Split(block, "\n"), m.Lines(fresh), false), "a changed message fails too")
	fresh = strings.Replace(block, "BOUNDED  fixed", "", 1)
	assert.NotEmpty(t, m.Compare(strings.Split(block, "\n"), m.Lines(fresh), false), "a missing verdict fails")
}

func TestChangedColumnFails(t *testing.T) {
	m := marker(t, "| check: columns")
	fresh := strings.Replace(block, "settled ESTAB", "settled  ESTB ", 1)
	ps := m.Compare(strings.Split(block, "\n"), m.Lines(fresh), false)
	require.Len(t, ps, 1)
	assert.Equal(t, "columns", ps[0].Check)
}

func TestNumbersWithinTolerance(t *testing.T) {
	m := marker(t, "| check: rows | tol: 10%+0")
	want := strings.Split(block, "\n")
	assert.Empty(t, m.Compare(want, m.Lines(strings.ReplaceAll(block, "178", "190")), true))
	ps := m.Compare(want, m.Lines(strings.ReplaceAll(block, "178", "200")), true)
	assert.Len(t, ps, 2, "both rows moved too far")
	assert.Empty(t, m.Compare(want, m.Lines(strings.ReplaceAll(block, "178", "900")), false),
		"numbers of another form are not compared")
	assert.NotEmpty(t, m.Compare(want, m.Lines(strings.Replace(block, "BOUNDED │", "LEAKING │", 1)), false),
		"the verdict cell is part of the row")
}

func TestExactNumbers(t *testing.T) {
	m := marker(t, "| check: skeleton | tol: 0%")
	want := []string{"30000 connections exceed 28232 ports (took 1.2s)"}
	assert.Empty(t, m.Compare(want, []string{"30000 connections exceed 28232 ports (took 3s)"}, true), "durations are not compared")
	assert.NotEmpty(t, m.Compare(want, []string{"30000 connections exceed 28233 ports (took 1.2s)"}, true))
}

func TestSkeletonCollapsesRepeats(t *testing.T) {
	m := marker(t, "| check: skeleton")
	want := []string{"$ leaklab conns", "Total: 10, Closed: 0", "Total: 10, Closed: 0", "[... 3 more lines ...]", "Total: 10, Closed: 0", "errors: none"}
	got := []string{"$ leaklab conns -quick", "Total: 5, Closed: 0", "errors: none"}
	assert.Empty(t, m.Compare(want, got, false))
	assert.NotEmpty(t, m.Compare(want, []string{"Total: 5, Closed: 0", "errors: 2"}, false))
}

func TestIgnore(t *testing.T) {
	m := marker(t, "| check: skeleton | ignore: ^tester")
	assert.Empty(t, m.Compare([]string{"a", "tester memory: none"}, []string{"a", "tester memory 2 KB per connection"}, false))
}

func TestLinesFilters(t *testing.T) {
	ms, err := Parse("x.md", "<!-- run: x | grep: ^(\\$|T|e) | drop: ^e | cut: ^Total -->\n```\n```\n")
	require.NoError(t, err)
	out := "$ x\nTotal: 1\nTotal: 2\nTotal: 3\nTotal: 4\nnoise\nerrors: none\nend   \n"
	assert.Equal(t, []string{"$ x", "Total: 1", "[... 2 more lines ...]", "Total: 4"}, ms[0].Lines(out))
	assert.Equal(t, []string{"$ x", "Total: 1", "Total: 2", "Total: 3"}, ms[0].Lines("$ x\nTotal: 1\nTotal: 2\nTotal: 3\n"), "three lines stay")

	ms, err = Parse("x.md", "<!-- run: x | fold: ^T -->\n```\n```\n")
	require.NoError(t, err)
	out = "T 1\nT 2\nT 2\nT 2\nT 2\nT 3\n"
	assert.Equal(t, []string{"T 1", "T 2", "[... 2 more identical lines ...]", "T 2", "T 3"}, ms[0].Lines(out))
}

func TestExpect(t *testing.T) {
	e := NewEnv(block + "\n    6s sent=60 ok=39\n    7s sent=62 ok=55\nTotal: 10, Established: 3\n")
	for src, want := range map[string]bool{
		`row.fixed["settled ESTAB"] == 2`:                     true,
		`row.faulty["settled ESTAB"] == row.faulty.requests`:  true,
		`row.fixed.verdict == "BOUNDED"`:                      true,
		`cell.fixed.requests == "178"`:                        true,
		`kv.sent == 62 && kv.ok == 55 && kv.Established == 3`: true,
		"re(`settled to (\\d+) idle`) == 2":                   true,
		"count(`^(LEAKING|BOUNDED) `) == 2":                   true,
		"has(`CLOSE_WAIT`)":                                   false,
		`row.fixed["settled ESTAB"] == 3`:                     false,
	} {
		got, err := e.Eval(src)
		require.NoError(t, err, src)
		assert.Equal(t, want, got, src)
	}
	_, err := e.Eval("re(`no such line (\\d+)`) > 0")
	assert.ErrorContains(t, err, "no line matches")
	_, err = e.Eval("row.fixed +")
	assert.Error(t, err)
}
