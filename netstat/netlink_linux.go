//go:build linux

package netstat

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// The netlink engine sends its own inet_diag request instead of calling
// github.com/vishvananda/netlink: v1.3.1's SocketDiagTCP and
// SocketDiagTCPInfo always ask for every state (0xfff) with no request
// attribute, and their request type is unexported, so they can express
// neither the state mask nor the INET_DIAG_REQ_BYTECODE port filter that
// let the kernel skip the sockets a census does not want. The requests
// are those ss sends (linux/inet_diag.h, sock_diag(7)): the state bits in
// the request, and the port filter as a bytecode attribute after it.

const (
	sockDiagByFamily   = 20 // SOCK_DIAG_BY_FAMILY
	tcpDiagGetSock     = 18 // TCPDIAG_GETSOCK, the legacy request
	inetDiagReqV1Bytes = 60 // sizeof(struct inet_diag_req)
	inetDiagReqBytes   = 56 // sizeof(struct inet_diag_req_v2)
	inetDiagMsgBytes   = 72 // sizeof(struct inet_diag_msg)
	inetDiagReqBytcode = 1  // INET_DIAG_REQ_BYTECODE
	recvBufferBytes    = 64 << 10
)

// kernelStates names the kernel's TCP states by number
// (include/net/tcp_states.h); inet_diag reports request sockets
// (TCP_NEW_SYN_RECV) as SYN_RECV.
var kernelStates = [...]string{
	1: Established, 2: SynSent, 3: SynRecv, 4: FinWait1, 5: FinWait2,
	6: TimeWait, 7: Close, 8: CloseWait, 9: LastAck, 10: Listen, 11: Closing,
}

// openSockDiag opens the netlink socket a census asks the kernel on.
func openSockDiag() (int, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return -1, fmt.Errorf("open a netlink sock_diag socket: %w", err)
	}
	return fd, nil
}

// dumped is what a dump decoded: the sockets, and beside each the inode
// that names its file (0: no process holds it).
type dumped struct {
	sockets []Socket
	inodes  []uint32
	// raw holds the struct inet_diag_msg of each socket kept, back to back
	// in chunks of rawChunkBytes, until decode turns them into sockets:
	// chunks of bytes without pointers grow without copying while the dump
	// comes in, and the sockets are then allocated once, at their number.
	raw [][]byte
	// keep, when set, drops the sockets whose inode it refuses as they come.
	keep func(inode uint32) bool
}

// The first chunk holds 64 messages, and each next twice as many, up to
// rawChunkBytes: a dump of a few listeners allocates little.
const (
	rawFirstChunk = 64 * inetDiagMsgBytes
	rawChunkBytes = 1024 * inetDiagMsgBytes
)

// add keeps one socket's message.
func (d *dumped) add(m []byte) {
	if d.keep != nil && !d.keep(binary.NativeEndian.Uint32(m[68:])) {
		return
	}
	if len(d.raw) == 0 {
		d.raw = append(d.raw, make([]byte, 0, rawFirstChunk))
	} else if last := d.raw[len(d.raw)-1]; len(last) == cap(last) {
		d.raw = append(d.raw, make([]byte, 0, min(2*cap(last), rawChunkBytes)))
	}
	last := &d.raw[len(d.raw)-1]
	*last = append(*last, m[:inetDiagMsgBytes]...)
}

// count is the number of messages kept.
func (d *dumped) count() int {
	n := 0
	for _, c := range d.raw {
		n += len(c) / inetDiagMsgBytes
	}
	return n
}

// decode turns the kept messages whose inode keep accepts (nil: all) into
// sockets and inodes.
func (d *dumped) decode(keep func(inode uint32) bool) *dumped {
	n := d.count()
	if keep != nil {
		n = 0
		for _, c := range d.raw {
			for i := 0; i < len(c); i += inetDiagMsgBytes {
				if keep(binary.NativeEndian.Uint32(c[i+68:])) {
					n++
				}
			}
		}
	}
	d.sockets, d.inodes = make([]Socket, 0, n), make([]uint32, 0, n)
	for _, c := range d.raw {
		for i := 0; i < len(c); i += inetDiagMsgBytes {
			m := c[i : i+inetDiagMsgBytes]
			if inode := binary.NativeEndian.Uint32(m[68:]); keep == nil || keep(inode) {
				d.sockets = append(d.sockets, decode(m))
				d.inodes = append(d.inodes, inode)
			}
		}
	}
	d.raw = nil
	return d
}

// stateMask is the request's idiag_states: one bit per kernel state
// number. No states asked: every state.
func stateMask(states []string) uint32 {
	if len(states) == 0 {
		return 0xfff
	}
	var mask uint32
	for n, name := range kernelStates {
		if name != "" && slices.Contains(states, name) {
			mask |= 1 << n
		}
	}
	return mask
}

// noLegacy is set once the kernel has refused the legacy request.
var noLegacy atomic.Bool

// dump asks the kernel for the TCP sockets of both families in the states
// of mask that pass the bytecode filter bc (none: every socket), and
// keeps, for decode, the messages of those whose inode keep accepts (nil:
// all).
//
// It sends the legacy TCPDIAG_GETSOCK request first: the kernel dumps it
// with family AF_UNSPEC, walking its socket tables once for IPv4 and IPv6,
// where SOCK_DIAG_BY_FAMILY takes one family per request and so one walk
// each (as ss sends them): on a machine with many sockets the walk, not
// the answer, is most of a census. A kernel that refuses the legacy
// request gets one SOCK_DIAG_BY_FAMILY request per family from then on.
func dump(ctx context.Context, fd int, mask uint32, bc []byte, keep func(inode uint32) bool) (*dumped, error) {
	buf := make([]byte, recvBufferBytes)
	if !noLegacy.Load() {
		out := &dumped{keep: keep}
		err := exchange(ctx, fd, legacyRequest(mask, bc), buf, out)
		if err == nil {
			return out, nil
		}
		if ctx.Err() != nil || errors.Is(err, unix.EINVAL) && len(bc) > 0 {
			return nil, err // the kernel refused the filter, not the request
		}
		noLegacy.Store(true)
	}
	out := &dumped{keep: keep}
	for _, family := range []uint8{unix.AF_INET, unix.AF_INET6} {
		if err := exchange(ctx, fd, request(family, mask, bc), buf, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// exchange sends one dump request and reads its answers into out.
func exchange(ctx context.Context, fd int, req, buf []byte, out *dumped) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("send the inet_diag request: %w", err)
	}
	return receive(ctx, fd, buf, out)
}

// legacyRequest builds a TCPDIAG_GETSOCK dump request: nlmsghdr, struct
// inet_diag_req (family, lengths and ext, the socket id, then the states
// at offset 52), and the bytecode attribute when there is a filter.
func legacyRequest(mask uint32, bc []byte) []byte {
	b := message(tcpDiagGetSock, inetDiagReqV1Bytes, bc)
	r := b[unix.NLMSG_HDRLEN:]
	r[0] = unix.AF_INET // the kernel dumps both families whatever it says
	binary.NativeEndian.PutUint32(r[52:], mask)
	return b
}

// request builds one SOCK_DIAG_BY_FAMILY dump request: nlmsghdr, struct
// inet_diag_req_v2, and the bytecode attribute when there is a filter.
func request(family uint8, mask uint32, bc []byte) []byte {
	b := message(sockDiagByFamily, inetDiagReqBytes, bc)
	r := b[unix.NLMSG_HDRLEN:]
	r[0], r[1] = family, unix.IPPROTO_TCP // idiag_ext, pad and the socket id stay 0
	binary.NativeEndian.PutUint32(r[4:], mask)
	return b
}

// message lays out a dump request of type typ: the netlink header, a
// zeroed request of reqBytes, and the bytecode attribute after it.
func message(typ uint16, reqBytes int, bc []byte) []byte {
	ne := binary.NativeEndian
	size := unix.NLMSG_HDRLEN + reqBytes
	if len(bc) > 0 {
		size += unix.SizeofRtAttr + len(bc)
	}
	b := make([]byte, size)
	ne.PutUint32(b[0:], uint32(size))
	ne.PutUint16(b[4:], typ)
	ne.PutUint16(b[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	if len(bc) > 0 {
		a := b[unix.NLMSG_HDRLEN+reqBytes:]
		ne.PutUint16(a[0:], uint16(unix.SizeofRtAttr+len(bc)))
		ne.PutUint16(a[2:], inetDiagReqBytcode)
		copy(a[unix.SizeofRtAttr:], bc)
	}
	return b
}

// receive reads one dump's answers until NLMSG_DONE, appending to out.
func receive(ctx context.Context, fd int, buf []byte, out *dumped) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("read the inet_diag answer: %w", err)
		}
		if done, err := parse(buf[:n], out); err != nil || done {
			return err
		}
	}
}

// parse decodes the netlink messages of one read.
func parse(b []byte, out *dumped) (bool, error) {
	ne := binary.NativeEndian
	for len(b) >= unix.NLMSG_HDRLEN {
		size := int(ne.Uint32(b[0:]))
		if size < unix.NLMSG_HDRLEN || size > len(b) {
			return false, fmt.Errorf("inet_diag answer: netlink message of %d bytes in %d", size, len(b))
		}
		body := b[unix.NLMSG_HDRLEN:size]
		switch ne.Uint16(b[4:]) {
		case unix.NLMSG_DONE:
			return true, nil
		case unix.NLMSG_ERROR:
			if len(body) >= 4 {
				if errno := -int32(ne.Uint32(body)); errno != 0 {
					return false, fmt.Errorf("inet_diag request: %w", syscall.Errno(errno))
				}
			}
		case sockDiagByFamily, tcpDiagGetSock:
			if len(body) < inetDiagMsgBytes {
				break
			}
			out.add(body)
		}
		b = b[min(len(b), (size+unix.NLMSG_ALIGNTO-1)&^(unix.NLMSG_ALIGNTO-1)):]
	}
	return false, nil
}

// decode reads a struct inet_diag_msg: family, state, then the socket id
// (ports and addresses in network order); the inode is at offset 68.
func decode(m []byte) Socket {
	be := binary.BigEndian
	var k Socket
	if st := int(m[1]); st < len(kernelStates) {
		k.State = kernelStates[st]
	}
	k.Local = netip.AddrPortFrom(diagAddr(m[0], m[8:24]), be.Uint16(m[4:]))
	k.Remote = netip.AddrPortFrom(diagAddr(m[0], m[24:40]), be.Uint16(m[6:]))
	return k
}

func diagAddr(family byte, a []byte) netip.Addr {
	if family == unix.AF_INET {
		return netip.AddrFrom4([4]byte(a[:4]))
	}
	return netip.AddrFrom16([16]byte(a[:16])).Unmap()
}
