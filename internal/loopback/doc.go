// Package loopback keeps the kit on the loopback interface.
//
// Check is the one guard the load generators (clients and capacity) apply
// to their targets: the kit's clients are made to leak, and a typo must
// not point them at someone else's server. Open gives tests and
// benchmarks real TCP connections on 127.0.0.1: a listener that accepts
// and holds every connection, and the dialled ends, so a census sees both
// sides of each one.
package loopback
