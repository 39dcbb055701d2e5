package sockcheck_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"testing"

	"github.com/leaklab/leaklab/netstat/sockcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failingEnv, set, lets the leaking tests below run: the test binary runs
// itself to see what testing prints for them.
const failingEnv = "SOCKCHECK_RUN_FAILING_TESTS"

func failingOnly(t *testing.T) {
	t.Helper()
	if os.Getenv(failingEnv) == "" {
		t.Skip("fails on purpose; run by TestFailuresPointAtTheEndOfTheTest")
	}
}

func TestLeakingWithNewServer(t *testing.T) {
	failingOnly(t)
	leak := &transportPerRequest{}
	t.Cleanup(leak.release)
	srv := sockcheck.NewServer(t, http.HandlerFunc(ok), sockcheck.Timeout(failFast))
	defer srv.Close()
	leak.get(t, srv.URL)
} // newServerEnd

func TestLeakingWithVerifyNoneInCleanup(t *testing.T) {
	failingOnly(t)
	leak := &transportPerRequest{}
	t.Cleanup(leak.release)
	srv := httptest.NewServer(http.HandlerFunc(ok))
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		sockcheck.VerifyNone(t, sockcheck.RemotePort(sockcheck.PortOf(srv)), sockcheck.Timeout(failFast))
	})
	leak.get(t, srv.URL)
} // cleanupEnd

// testing points a failure in a cleanup at the line that registered it;
// sockcheck's point at the test's closing brace, where the check runs.
func TestFailuresPointAtTheEndOfTheTest(t *testing.T) {
	if os.Getenv(failingEnv) != "" {
		t.Skip("the outer run")
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestLeakingWith", "-test.count", "1")
	cmd.Env = append(os.Environ(), failingEnv+"=1")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the leaking tests fail:\n%s", out)
	for name, marker := range map[string]string{
		"TestLeakingWithNewServer": "newServerEnd", "TestLeakingWithVerifyNoneInCleanup": "cleanupEnd",
	} {
		line := lineOf(t, "where_test.go", "} // "+marker)
		assert.Regexp(t, fmt.Sprintf(`--- FAIL: %s \(.*\)\n    where_test.go:%d: sockcheck: 1 socket still open after 300ms`, name, line), string(out))
	}
}

func lineOf(t *testing.T, file, text string) int {
	t.Helper()
	src, err := os.ReadFile(file)
	require.NoError(t, err)
	loc := regexp.MustCompile(regexp.QuoteMeta(text)).FindIndex(src)
	require.NotNil(t, loc, "%q in %s", text, file)
	return 1 + bytes.Count(src[:loc[0]], []byte("\n"))
}
