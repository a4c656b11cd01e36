#!/usr/bin/env python3
"""Opens N idle HTTP/2 (h2c) connections to a RouteGuide server on 127.0.0.1 and reports how much the
server's resident memory grew per connection, and how many connections it closed at once.

Usage: routeguide serve --port 50051 --max-connections M &
       python3 docs/tools/idle_connections.py 50051 $! N
Each connection sends the HTTP/2 preface and an empty SETTINGS frame, reads the server's SETTINGS, and
then stays silent. Only for measuring: it holds every connection until it has reported.
"""
import socket
import sys
import time

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def open_connection(port):
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    connection.sendall(PREFACE)
    try:
        answered = len(connection.recv(9)) == 9  # the header of the server's SETTINGS frame
    except (ConnectionResetError, socket.timeout):
        answered = False
    return connection, answered


def main():
    port, pid, count = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    for _ in range(60):  # wait up to 30 s for the server to listen
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except ConnectionRefusedError:
            time.sleep(0.5)
    time.sleep(2)
    before = rss_kib(pid)
    held, accepted = [], 0
    for _ in range(count):
        connection, answered = open_connection(port)
        held.append(connection)
        accepted += answered
    time.sleep(3)
    after = rss_kib(pid)
    grown = after - before
    print(f"{count} connections opened, {accepted} answered, {count - accepted} closed by the server")
    print(f"server RSS {before / 1024:.1f} MiB -> {after / 1024:.1f} MiB: "
          f"{grown * 1024 / max(accepted, 1) / 1000:.1f} kB per accepted connection")
    for connection in held:
        connection.close()


if __name__ == "__main__":
    main()
