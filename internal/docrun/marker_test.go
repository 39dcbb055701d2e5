package docrun

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sample = "# A lesson\n\n" +
	"<!-- run: leaklab compare -duration 60s | quick: leaklab compare -duration 2s | check: verdict,columns\n" +
	"expect: row.fixed[\"settled ESTAB\"] == 2\n" +
	"expect: kv.sent > 0\n" +
	"tol: 10%+1 | timeout: 30s -->\n" +
	"```\nold output\n```\n\n" +
	"<!-- from: server.log | grep: program: | prompt: no -->\n\n" +
	"```\nlog\nmore\n```\n" +
	"<!-- file: weather/weather.go -->\n" +
	"```go\npackage weather\n```\n"

func TestParse(t *testing.T) {
	ms, err := Parse("x.md", sample)
	require.NoError(t, err)
	require.Len(t, ms, 3)
	m := ms[0]
	assert.Equal(t, 3, m.Line)
	assert.Equal(t, []string{"leaklab compare -duration 60s"}, m.Run)
	assert.Equal(t, []string{"leaklab compare -duration 2s"}, m.Script(true))
	assert.Equal(t, []string{"leaklab compare -duration 60s"}, m.Script(false))
	assert.False(t, m.SameForm())
	assert.Equal(t, []string{"verdict", "columns"}, m.Checks)
	assert.Equal(t, []string{`row.fixed["settled ESTAB"] == 2`, "kv.sent > 0"}, m.Expect)
	assert.Equal(t, Tolerance{Rel: 0.1, Abs: 1}, m.Tol)
	assert.Equal(t, 30*time.Second, m.Timeout)
	assert.Equal(t, 7, m.Start)
	assert.Equal(t, 8, m.End)

	l := ms[1]
	assert.Equal(t, "server.log", l.From)
	assert.False(t, l.Prompt)
	assert.Equal(t, AllChecks, l.Checks)
	assert.True(t, l.Tol.Off, "numbers are not compared unless a tolerance is stated")
	assert.True(t, l.Grep.MatchString("09:00 program: open=1"))
	assert.Equal(t, []string{"log", "more"}, splitLines(sample)[l.Start:l.End])

	assert.Equal(t, "weather/weather.go", ms[2].File)
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func TestParsePipeInCommand(t *testing.T) {
	ms, err := Parse("x.md", "<!-- run: nstat | grep -i rst | check: skeleton -->\n```\n```\n")
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.Equal(t, []string{"nstat | grep -i rst"}, ms[0].Run)
	assert.Equal(t, []string{"skeleton"}, ms[0].Checks)
}

func TestParseErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"not closed":    "<!-- run: ls\n```\n```\n",
		"no block":      "<!-- run: ls -->\ntext\n",
		"block open":    "<!-- run: ls -->\n```\nout\n",
		"bad check":     "<!-- run: ls | check: vibes -->\n```\n```\n",
		"bad tol":       "<!-- run: ls | tol: lots -->\n```\n```\n",
		"run and from":  "<!-- run: ls | from: x.log -->\n```\n```\n",
		"file with run": "<!-- file: a.go | run: ls -->\n```go\n```\n",
	} {
		_, err := Parse("x.md", doc)
		assert.Error(t, err, name)
	}
}

func TestTolerance(t *testing.T) {
	tol := Tolerance{Rel: 0.3, Abs: 3}
	assert.True(t, tol.Allows(100, 133))
	assert.False(t, tol.Allows(100, 134))
	assert.True(t, tol.Allows(0, 3))
	assert.False(t, tol.Allows(0, 4))
	assert.True(t, Tolerance{Off: true}.Allows(1, 1000))
	got, err := parseTolerance("off")
	require.NoError(t, err)
	assert.True(t, got.Off)
	got, err = parseTolerance("5%")
	require.NoError(t, err)
	assert.Equal(t, Tolerance{Rel: 0.05}, got)
}
