package a

import (
	"net"
	"net/http"
	"testing"
)

// Test files are not checked.
func TestServe(t *testing.T) {
	var l net.Listener
	go (&http.Server{}).Serve(l)
}
