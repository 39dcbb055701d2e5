package netstat

import "encoding/binary"

// The kernel-side port filter of the netlink engine: an inet_diag bytecode
// program (INET_DIAG_REQ_BYTECODE, linux/inet_diag.h), compiled the way ss
// compiles '( sport = :P or dport = :P )'. Each op is a struct
// inet_diag_bc_op {code, yes, no}: the kernel runs it on every socket and
// jumps yes or no bytes ahead; a socket passes when the program ends
// exactly at its end, and is dropped by a jump 4 bytes past it. The kernel
// audits a program along its yes jumps, so every op falls through to the
// next on yes, as in ss: a disjunction "a or b" is a, a JMP over b, b.
const (
	bcJmp   = 1 // INET_DIAG_BC_JMP: always takes its no jump
	bcSCond = 7 // INET_DIAG_BC_S_COND: source (local) port and address
	bcDCond = 8 // INET_DIAG_BC_D_COND: destination (remote) port and address

	bcOpBytes   = 4                       // struct inet_diag_bc_op
	bcCondBytes = bcOpBytes + 8           // op + struct inet_diag_hostcond, no address
	bcOrBytes   = bcCondBytes + bcOpBytes // a condition and the JMP after it
)

// portCond is one port test: local (S_COND) or remote (D_COND) port.
type portCond struct {
	local bool
	port  uint16
}

// portFilter compiles the ports of the selection to bytecode; nil when the
// selection names no port. Clauses AND together; the conditions of one
// clause OR together.
func portFilter(sel Selector) []byte {
	var clauses [][]portCond
	if sel.Port != 0 {
		clauses = append(clauses, []portCond{{true, sel.Port}, {false, sel.Port}})
	}
	if sel.LocalPort != 0 {
		clauses = append(clauses, []portCond{{true, sel.LocalPort}})
	}
	if sel.RemotePort != 0 {
		clauses = append(clauses, []portCond{{false, sel.RemotePort}})
	}
	return compile(clauses)
}

func compile(clauses [][]portCond) []byte {
	total := 0
	for _, c := range clauses {
		total += len(c)*bcOrBytes - bcOpBytes
	}
	if total == 0 {
		return nil
	}
	b := make([]byte, 0, total)
	for _, c := range clauses {
		end := len(b) + len(c)*bcOrBytes - bcOpBytes // where the clause ends
		for i, pc := range c {
			if i == len(c)-1 { // last: false rejects the socket
				b = appendCond(b, pc, total+bcOpBytes-len(b))
				break
			}
			b = appendCond(b, pc, bcOrBytes)              // false: try the next condition
			b = appendOp(b, bcJmp, bcOpBytes, end-len(b)) // true: skip the rest of the clause
		}
	}
	return b
}

func appendOp(b []byte, code byte, yes, no int) []byte {
	b = append(b, code, byte(yes))
	return binary.NativeEndian.AppendUint16(b, uint16(no))
}

// appendCond appends a port condition with no address: struct
// inet_diag_hostcond {family AF_UNSPEC, prefix_len 0, port}.
func appendCond(b []byte, c portCond, no int) []byte {
	code := byte(bcDCond)
	if c.local {
		code = bcSCond
	}
	b = appendOp(b, code, bcCondBytes, no)
	b = append(b, 0, 0, 0, 0) // family, prefix_len, padding
	return binary.NativeEndian.AppendUint32(b, uint32(c.port))
}
