package golden

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestAssertMatchesTheFile(t *testing.T) {
	Assert(t, "hello.golden", []byte("hello\n"))
}
