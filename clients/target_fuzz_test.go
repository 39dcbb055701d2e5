package clients

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/leaklab/leaklab/fielderr"
)

// checkTarget is what Validate checks of the target: the URL, its port,
// and the loopback guard.
func checkTarget(target string, allowRemote bool) (uint16, error) {
	c := LoadConfig{Target: target, AllowRemote: allowRemote, Interval: DefaultInterval}
	if err := c.Validate(); err != nil {
		return 0, err
	}
	return TargetPort(target)
}

// FuzzCheckTarget checks that any Target is refused with an error that
// names the field, or is an http:// URL net/http accepts, on a port
// between 1 and 65535; and that AllowRemote only ever widens what is
// accepted. Which ports and hosts are accepted is left to
// TestLoadConfigValidate and internal/loopback's TestIs.
func FuzzCheckTarget(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:8080/", "http://localhost/", "http://[::1]:80/x?delay=1s", "http://127.0.0.2:65535",
		"127.0.0.1:8080", "https://127.0.0.1/", "http://127.0.0.1:0/", "http://127.0.0.1:65536/", "http://10.0.0.1/",
		"http://[::ffff:127.0.0.1]:80/", "http://user@127.0.0.1:80@evil.example/", "http://127.0.0.1%2f@example.com/", "ftp://x", ""} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, target string, allowRemote bool) {
		port, err := checkTarget(target, allowRemote)
		if err != nil {
			var fe *fielderr.Error
			if !errors.As(err, &fe) || fe.Field != "Target" {
				t.Errorf("checkTarget(%q): error %q does not name the Target field", target, err)
			}
			return
		}
		u, err := url.Parse(target)
		if err != nil || u.Scheme != "http" {
			t.Fatalf("checkTarget accepted %q, which is not an http:// URL: %v", target, err)
		}
		if _, err := http.NewRequest(http.MethodGet, target, nil); err != nil {
			t.Fatalf("checkTarget accepted %q, which net/http refuses: %v", target, err)
		}
		if port == 0 {
			t.Fatalf("checkTarget(%q) = port 0", target)
		}
		if _, err := checkTarget(target, true); err != nil {
			t.Fatalf("%q is accepted without AllowRemote but refused with it: %v", target, err)
		}
	})
}
