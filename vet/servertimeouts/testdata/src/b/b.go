// Package b does not import time: findings without fixes.
package b

import "net/http"

func serve(h http.Handler) {
	http.ListenAndServe(":8080", h) // want `http.ListenAndServe serves`
	srv := &http.Server{Handler: h} // want `http.Server without ReadHeaderTimeout and IdleTimeout`
	srv.ListenAndServe()
}
