"""A server of another process for the kernel-view tests: it listens on
HOST PORT (with SO_REUSEPORT when REUSEPORT is "reuseport"), accepts every
connection and never reads or closes one, so each connection whose client
closes stays in CLOSE_WAIT. It prints "listening" once bound, and exits
after 60 s or when its stdin closes."""
import select
import socket
import sys
import time

host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ln = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
if mode == "reuseport":
    ln.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
try:
    ln.bind((host, port))
except OSError as e:
    print("bind failed:", e, flush=True)
    sys.exit(1)
ln.listen(128)
print("listening", flush=True)
held = []
end = time.monotonic() + 60
while time.monotonic() < end:
    ready, _, _ = select.select([ln, sys.stdin], [], [], 0.1)
    if sys.stdin in ready and not sys.stdin.read(1):
        break
    if ln in ready:
        conn, _ = ln.accept()
        held.append(conn)
