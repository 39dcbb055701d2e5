#!/usr/bin/env python3
"""Socket behaviours for the doctor's tests, in a language that is not Go.

Usage:
  leaky.py leak PORT EVERY_MS [LIFETIME_S]  dial 127.0.0.1:PORT every EVERY_MS
                                            ms, never close
  leaky.py pool PORT N [LIFETIME_S]         dial N connections once, keep them
  leaky.py churn PORT [LIFETIME_S]          four threads that dial, send one
                                            byte, read the answer and close,
                                            again and again
  leaky.py closewait [LIFETIME_S]           listen on 127.0.0.1:0, print the
                                            port, accept and never close what
                                            the clients closed
  leaky.py syn EVERY_MS [LIFETIME_S]        dial, every EVERY_MS ms, a listener
                                            of its own whose backlog is full:
                                            the dials stay in SYN_SENT

Every mode prints one line when ready, stops by itself after LIFETIME_S
seconds (default 30) and talks to loopback only.
"""
import socket
import sys
import threading
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


def churn(port, lifetime, workers=4):
    """workers threads, each dialling, asking and closing in a loop."""
    deadline = time.time() + lifetime

    def work():
        n = 0
        while time.time() < deadline and n < 25000:
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"x")
            s.recv(1)
            s.close()
            n += 1

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    print("ready", flush=True)
    for t in threads:
        t.join()


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


def syn(every_ms, lifetime):
    ln = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ln.bind(("127.0.0.1", 0))
    ln.listen(0)  # never accepted: once the queue is full, SYNs are dropped
    print(ln.getsockname()[1], flush=True)
    held = []
    deadline = time.time() + lifetime
    while time.time() < deadline and len(held) < 1000:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(ln.getsockname())
        held.append(s)
        time.sleep(every_ms / 1000.0)
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
    elif mode == "syn":
        syn(arg(2, 100), arg(3, 30))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
