package a

import (
	"net/http"
	"testing"
)

// Test files are not checked.
func TestGet(t *testing.T) { http.Get("http://127.0.0.1/") }
