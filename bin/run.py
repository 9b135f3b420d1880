"""`make run`: migrate, load the demo, then serve on HOST:PORT with the queue worker beside it.

Each server runs in a session of its own, so the terminal's Ctrl-C reaches this script alone. It
then stops them itself, one SIGTERM each, and waits: the run ends quietly with status 0 instead
of every process getting the signal at once (which left tracebacks and crashed workers behind).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

MANAGE = [sys.executable, str(Path(__file__).resolve().parents[1] / "manage.py")]
STOP_TIMEOUT = 30


class Stop(Exception):
    """Ctrl-C or SIGTERM arrived."""


def stop(signum: int, frame: object) -> None:
    raise Stop


def terminate(process: subprocess.Popen, whole_group: bool) -> None:
    """SIGTERM to the process, or to its group (runserver's reloader runs the server as a child)."""
    if process.poll() is None:
        if whole_group:
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.terminate()


def main() -> int:
    host, port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
    for command in (["migrate", "--noinput"], ["load_demo"]):
        if code := subprocess.run([*MANAGE, *command], check=False).returncode:
            return code
    base = f"http://{host}:{port}"
    print(
        f"\n  Site:   {base}/\n  Wall:   {base}/muurkrant/\n"
        f"  Admin:  {base}/admin/   (logins above)\n  Health: {base}/healthz\n"
        "  Ctrl-C stops the web server and the queue worker.\n",
        flush=True,
    )
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # The cluster stops its own workers on SIGTERM; the web server's group is stopped whole.
    servers = [
        (subprocess.Popen([*MANAGE, "qcluster"], start_new_session=True), False),
        (
            subprocess.Popen([*MANAGE, "runserver", f"{host}:{port}"], start_new_session=True),
            True,
        ),
    ]
    code = 0
    try:
        while True:
            ended = [process.returncode for process, _ in servers if process.poll() is not None]
            if ended:
                code = ended[0] or 1
                break
            time.sleep(0.5)
    except Stop:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for process, whole_group in servers:
        terminate(process, whole_group)
    for process, whole_group in servers:
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL) if whole_group else process.kill()
            process.wait()
        if process.returncode not in (0, -signal.SIGTERM):
            print(f"{' '.join(process.args[1:])} ended with status {process.returncode}")
            code = code or 1
    return code


if __name__ == "__main__":
    sys.exit(main())
