package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// checkTarget checks an http:// target URL and returns its port. Only
// loopback hosts are accepted unless allowRemote is set: leaklab's clients
// are made to leak, and must not be pointed at someone else's server by a
// typo.
func checkTarget(target string, allowRemote bool) (uint16, error) {
	u, err := parseTarget(target)
	if err != nil {
		return 0, err
	}
	port := 80
	if p := u.Port(); p != "" {
		port, err = strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return 0, fmt.Errorf("-target %q has port %q out of range; give a port between 1 and 65535", target, p)
		}
	}
	if !allowRemote && !isLoopback(u.Hostname()) {
		return 0, fmt.Errorf("-target host %q is not a loopback address (127.0.0.0/8, ::1, localhost); leaklab refuses remote targets unless -allow-remote is given", u.Hostname())
	}
	return uint16(port), nil
}

// parseTarget parses an http:// URL with a host, and says what is wrong
// with anything else: a bare host:port, https, a malformed URL.
func parseTarget(target string) (*url.URL, error) {
	u, err := url.Parse(target)
	switch {
	case err == nil && u.Scheme == "http" && u.Host != "":
		return u, nil
	case err == nil && u.Scheme == "https":
		return nil, fmt.Errorf("-target %q: https is not supported; leaklab's server and clients speak plain http, e.g. http://127.0.0.1:8080/", target)
	}
	if host, port, serr := net.SplitHostPort(target); serr == nil && !strings.Contains(target, "/") {
		return nil, fmt.Errorf("-target %q is not an http:// URL but host:port; give http://%s/", target, net.JoinHostPort(host, port))
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return nil, fmt.Errorf("-target %q is not an http:// URL: %v; give one such as http://127.0.0.1:8080/", target, ue.Err)
	}
	return nil, fmt.Errorf("-target %q is not an http:// URL; give one such as http://127.0.0.1:8080/", target)
}

// isLoopback accepts IP literals in 127.0.0.0/8 or ::1, and "localhost".
// Other names are refused rather than resolved.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
