"""A small keep-alive load generator, used when wrk is not installed; run as its own process.

    python bench/load.py URL SECONDS CONNECTIONS [Header: value]...

Prints the requests per second; exits non-zero if any answer was not 200 or 304.
"""

import http.client
import sys
import threading
import time
from urllib.parse import urlsplit


def hammer(url: str, until: float, headers: dict[str, str], counts: list[int]) -> None:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    while time.monotonic() < until:
        connection.request("GET", parts.path or "/", headers=headers)
        response = connection.getresponse()
        response.read()
        counts[0 if response.status in (200, 304) else 1] += 1
    connection.close()


def main() -> int:
    url, seconds, connections = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    headers = dict(header.split(": ", 1) for header in sys.argv[4:])
    until = time.monotonic() + seconds
    counts = [[0, 0] for _ in range(connections)]
    threads = [threading.Thread(target=hammer, args=(url, until, headers, mine)) for mine in counts]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done, failed = sum(c[0] for c in counts), sum(c[1] for c in counts)
    print(f"Requests/sec: {done / (time.monotonic() - started):.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
