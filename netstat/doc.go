// Package netstat is leaklab's socket census: it reads the kernel's TCP
// socket table (IPv4 and IPv6), never by running netstat or ss, and counts
// sockets by process, port, side and TCP state.
//
// Two engines read the table (Engine, chosen with TakeWith). On Linux the
// default asks the kernel over netlink (sock_diag, inet_diag), as ss does:
// the kernel keeps only the states and ports asked for, and the owners are
// found by socket inode in /proc/PID/fd, for a selection by pid in that
// process's descriptors alone. For a selection by pid alone (no port, no
// state) the kernel also keeps only the sockets made in the process's
// cgroup v2 (a service's, a container's or a pod's): it still walks the
// sockets of processes in other cgroups, but no longer describes them,
// which is most of a census's cost. A TCP or MPTCP socket among the
// process's descriptors that this dump did not return (made before the
// process moved, or passed to it, as by systemd's socket activation) makes
// the census ask for every socket instead, for that process's next 30 s;
// a descriptor whose protocol it may not read counts as one. The gopsutil
// engine
// (github.com/shirou/gopsutil/v3) parses /proc/net/tcp and works on every
// OS gopsutil supports; it is the default elsewhere, and the fallback when
// the kernel refuses netlink.
//
// Two facts shape the API:
//
//   - A socket in TIME_WAIT belongs to no process: its file descriptor is
//     gone, only the kernel remembers the 4-tuple. A census by pid alone
//     never sees it, so a Selector can choose sockets by port, and a port
//     selection counts sockets that have no owner.
//   - On loopback one process often holds both ends of a connection. The
//     census therefore says which side each socket is on: the server side
//     (its local port is the selected or a listening port), the client side
//     (its remote port is the selected port) or the listener itself.
//
// A Snapshot keeps the sockets themselves, not only the counts, so a failed
// check can print which sockets were there.
//
// The package knows nothing of HTTP.
package netstat
