package clients

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/leaklab/leaklab/fielderr"
)

// TargetPort checks that target is an http:// URL with a host, on a port
// between 1 and 65535, and returns the port net/http dials (80 when the
// URL gives none). It says what is wrong with anything else: a bare
// host:port, https, a malformed URL. It does not check the host is
// loopback; Validate does.
func TargetPort(target string) (uint16, error) {
	_, port, err := targetURL(target)
	return port, err
}

// targetURL is TargetPort with the parsed URL.
func targetURL(target string) (*url.URL, uint16, error) {
	u, err := parseTarget(target)
	if err != nil {
		return nil, 0, err
	}
	p := u.Port()
	if p == "" {
		return u, 80, nil
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 1 || port > 65535 {
		return nil, 0, fielderr.New("Target", target, fmt.Sprintf("port %q is out of range; give a port between 1 and 65535", p))
	}
	return u, uint16(port), nil
}

func parseTarget(target string) (*url.URL, error) {
	u, err := url.Parse(target)
	switch {
	case target == "":
		return nil, fielderr.New("Target", nil, "no target URL; give one such as http://127.0.0.1:8080/")
	case err == nil && u.Scheme == "http" && u.Host != "":
		return u, nil
	case err == nil && u.Scheme == "https":
		return nil, fielderr.New("Target", target, "https is not supported; the kit's server and clients speak plain http, e.g. http://127.0.0.1:8080/")
	}
	if host, port, serr := net.SplitHostPort(target); serr == nil && !strings.Contains(target, "/") {
		return nil, fielderr.New("Target", target, fmt.Sprintf("is not an http:// URL but host:port; give http://%s/", net.JoinHostPort(host, port)))
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return nil, fielderr.New("Target", target, fmt.Sprintf("is not an http:// URL (%v); give one such as http://127.0.0.1:8080/", ue.Err))
	}
	return nil, fielderr.New("Target", target, "is not an http:// URL; give one such as http://127.0.0.1:8080/")
}
