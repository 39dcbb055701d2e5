#!/usr/bin/env python3
"""Socket behaviours for the doctor's tests, in a language that is not Go.

Usage: leaky.py MODE [PORT] [EVERY_MS] [LIFETIME_S]

  leak PORT EVERY_MS       dial 127.0.0.1:PORT every EVERY_MS ms, never close
  pool PORT N              dial N connections once and keep them (healthy)
  churn PORT               dial, send one byte, read the answer, close; repeat
  closewait                listen on 127.0.0.1:0, print the port, accept and
                           never close what the clients closed

Every mode prints one line when ready, stops by itself after LIFETIME_S
seconds (default 30) and talks to loopback only.
"""
import socket
import sys
import time


def leak(port, every_ms, lifetime):
    held = []
    print("ready", flush=True)
    deadline = time.time() + lifetime
    while time.time() < deadline and len(held) < 5000:
        held.append(socket.create_connection(("127.0.0.1", port)))
        time.sleep(every_ms / 1000.0)
    return held


def pool(port, n, lifetime):
    held = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
    print("ready", flush=True)
    time.sleep(lifetime)
    return held


def churn(port, lifetime):
    print("ready", flush=True)
    deadline = time.time() + lifetime
    n = 0
    while time.time() < deadline and n < 100000:
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"x")
        s.recv(1)
        s.close()
        n += 1


def closewait(lifetime):
    ln = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ln.bind(("127.0.0.1", 0))
    ln.listen(1024)
    ln.settimeout(0.05)
    print(ln.getsockname()[1], flush=True)
    held = []
    deadline = time.time() + lifetime
    while time.time() < deadline and len(held) < 5000:
        try:
            conn, _ = ln.accept()
            held.append(conn)
        except socket.timeout:
            pass
    return held


def main():
    mode = sys.argv[1]
    arg = lambda i, d: int(sys.argv[i]) if len(sys.argv) > i else d
    if mode == "leak":
        leak(arg(2, 0), arg(3, 50), arg(4, 30))
    elif mode == "pool":
        pool(arg(2, 0), arg(3, 3), arg(4, 30))
    elif mode == "churn":
        churn(arg(2, 0), arg(3, 30))
    elif mode == "closewait":
        closewait(arg(2, 30))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
