package loopback

import (
	"net/netip"

	"github.com/leaklab/leaklab/fielderr"
)

// Refusal is the fix of the error Check returns.
const Refusal = "not a loopback address (127.0.0.0/8, ::1, localhost); give one, or allow remote targets with AllowRemote, only for servers you own"

// Is reports whether host is "localhost" or an IP literal in 127.0.0.0/8
// or ::1 (IPv4-mapped included). Other names are refused rather than
// resolved: a name may resolve anywhere, and differently tomorrow.
func Is(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// Check returns nil when host is a loopback host (see Is) or
// allowRemote is set, and otherwise a *fielderr.Error for field, with
// value as the value refused (the whole target, of which host is the
// host).
func Check(field string, value any, host string, allowRemote bool) error {
	if allowRemote || Is(host) {
		return nil
	}
	return fielderr.New(field, value, Refusal)
}
