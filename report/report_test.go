package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leaklab/leaklab/experiments"
	"github.com/leaklab/leaklab/experiments/experimentstest"
	"github.com/leaklab/leaklab/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestJSONRoundTrip(t *testing.T) {
	one := experiments.Suite{experimentstest.Report()}
	second := experimentstest.Report()
	second.Config.Scenario = "body-not-closed"
	for name, suite := range map[string]experiments.Suite{"one scenario": one, "several": {one[0], second}} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, report.WriteJSON(&b, suite))
			assert.True(t, strings.HasPrefix(b.String(), "{\n  \"schema_version\": 2,\n  \"reports\": ["), "one document, whatever the number of scenarios")
			got, err := report.ReadJSON(&b)
			require.NoError(t, err)
			assert.Equal(t, suite, got)
		})
	}
}

// TestReadsSchemaVersion1 reads a run saved before the schema had a
// version: a bare Report with its config's durations in nanoseconds and
// bare seconds elsewhere. It is the fixture, its series cut to three
// samples, as that version wrote it.
func TestReadsSchemaVersion1(t *testing.T) {
	want := experimentstest.Report()
	for i := range want.Variants {
		want.Variants[i].Series = want.Variants[i].Series[:3]
	}
	got, err := report.Load(filepath.Join("testdata", "run-v1.json"))
	require.NoError(t, err)
	assert.Equal(t, experiments.Suite{want}, got)
}

// TestRefusesANewerSchema says what to do with a file a newer build wrote.
func TestRefusesANewerSchema(t *testing.T) {
	_, err := report.ReadJSON(strings.NewReader(`{"schema_version": 99, "reports": []}`))
	assert.ErrorContains(t, err, "schema version 99 is newer than this build reads (2)")
}

func TestCSVRoundTrip(t *testing.T) {
	rep := experimentstest.Report()
	var b bytes.Buffer
	require.NoError(t, report.WriteCSV(&b, experiments.Suite{rep}))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	assert.Len(t, lines, 1+2*experimentstest.Samples, "a header, then one row per sample per variant")
	assert.True(t, strings.HasPrefix(lines[0], "t_seconds,variant,scenario,client_syn_sent,"), lines[0])
	assert.True(t, strings.HasSuffix(lines[0], ",sent,ok,errors,in_flight"), lines[0])
	got, err := report.ReadCSV(&b)
	require.NoError(t, err)
	require.Len(t, got, len(rep.Variants))
	for i, v := range rep.Variants {
		assert.Equal(t, v.Scenario, got[i].Scenario)
		assert.Equal(t, v.Variant, got[i].Variant)
		assert.Equal(t, v.Series, got[i].Series, "every number of every sample")
	}
}

func TestReadErrorsSayWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	cases := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope.json"), "no such run file"},
		{"empty", write("empty.json", " \n"), "empty, not a run"},
		{"broken", write("broken.json", "{\n\"config\": {\n"), "not valid JSON at line 2"},
		{"wrong type", write("type.json", `{"config": "x"}`), `field "reports.config" at line 1 holds a string`},
		{"no variants", write("none.json", `{"config": {}}`), "has no variants"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := report.Load(tc.path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "leaklab", "a library error names no command")
		})
	}
	_, err := report.ReadCSV(strings.NewReader("t_seconds,variant\n1,faulty\n"))
	assert.ErrorContains(t, err, `no column "scenario"`)
}

func TestHTMLIsSelfContained(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, report.WriteHTML(&b, experiments.Suite{experimentstest.Report()}, report.Options{Source: "run.json"}))
	page := b.String()
	assert.NotContains(t, page, "<script src", "every script is inline: the page opens offline")
	assert.NotContains(t, page, "<link ", "no stylesheet to fetch")
	assert.NotContains(t, page, "go-echarts.github.io", "no asset host")
	assert.Contains(t, page, "Apache Software Foundation", "ECharts itself is inlined")
	for _, want := range []string{
		"<title>leaklab compare: new-client-per-request</title>", "from run.json",
		`id="chart_1_1"`, `id="chart_1_4"`, "client ESTABLISHED sockets over time",
		"faulty: sockets by TCP state over time", "requests and errors over time",
		"worst case of a correct client = 68", "expected λ·W + 2 = 42",
		`<td class="LEAKING">LEAKING</td>`, "server delay (W)", `id="leaklab-check"`,
	} {
		assert.Contains(t, page, want)
	}
}

func TestHTMLNeedsAScenario(t *testing.T) {
	assert.Error(t, report.WriteHTML(&bytes.Buffer{}, nil, report.Options{}))
}
