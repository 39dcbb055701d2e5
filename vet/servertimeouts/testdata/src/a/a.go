package a

import (
	"net"
	"net/http"
	"time"
)

// --- true positives ---

func serveDefault(h http.Handler, l net.Listener) {
	http.ListenAndServe(":8080", h)                      // want `http.ListenAndServe serves with an http.Server that has no timeouts`
	http.ListenAndServeTLS(":8443", "c.pem", "k.pem", h) // want `http.ListenAndServeTLS serves`
	http.Serve(l, h)                                     // want `http.Serve serves`
}

func bare(h http.Handler) error {
	srv := &http.Server{ // want `http.Server without ReadHeaderTimeout and IdleTimeout`
		Addr:    ":8080",
		Handler: h,
	}
	return srv.ListenAndServe()
}

func headerOnly(h http.Handler) error {
	srv := &http.Server{Addr: ":8080", Handler: h, ReadHeaderTimeout: 5 * time.Second} // want `http.Server without IdleTimeout`
	return srv.ListenAndServe()
}

func zero(l net.Listener) error {
	return (&http.Server{IdleTimeout: 0, ReadHeaderTimeout: time.Second}).Serve(l) // want `http.Server without IdleTimeout`
}

func empty(l net.Listener) error {
	var srv http.Server = http.Server{} // want `http.Server without ReadHeaderTimeout and IdleTimeout`
	return srv.Serve(l)
}

// --- near-misses: must stay quiet ---

func both(h http.Handler) error {
	srv := &http.Server{Addr: ":8080", Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	return srv.ListenAndServe()
}

// ReadTimeout guards both the headers and the idle wait.
func readTimeout(h http.Handler) error {
	return (&http.Server{Handler: h, ReadTimeout: 30 * time.Second}).ListenAndServe()
}

// Timeouts set after construction.
func setAfter(h http.Handler) error {
	srv := &http.Server{Addr: ":8080", Handler: h}
	srv.ReadHeaderTimeout = 10 * time.Second
	srv.IdleTimeout = 2 * time.Minute
	return srv.ListenAndServe()
}

// Returned: the caller may set them.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h}
}

// Stored in a struct whose timeouts are set elsewhere in the package.
type app struct{ hs *http.Server }

func newApp(h http.Handler) *app {
	return &app{hs: &http.Server{Handler: h}}
}

func (a *app) configure(d time.Duration) {
	a.hs.ReadHeaderTimeout = d
	a.hs.IdleTimeout = d
}

// Fields set from variables count as set.
func fromConfig(h http.Handler, idle, header time.Duration) *app {
	srv := &http.Server{Handler: h, IdleTimeout: idle, ReadHeaderTimeout: header}
	return &app{hs: srv}
}

func allowed(h http.Handler) {
	http.ListenAndServe(":8080", h) //leaklab:allow servertimeouts the lesson 07 demo server
}
