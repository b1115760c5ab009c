"""Run a command with PostgreSQL and a broker available, starting embedded ones if needed.

    python -m goldenthread.platform.devtools.services -- pytest -q

If DATABASE_URL / CELERY_BROKER_URL are set they are used as they are. Otherwise the embedded
servers are started (or found running from an earlier run), their URLs are exported to the
command, and whatever this process started is stopped when the command ends, Ctrl-C included.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from . import embedded


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("usage: python -m goldenthread.platform.devtools.services -- COMMAND [ARGS…]")
        return 2
    started_redis = False
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = embedded.postgres_url(
            os.environ.get("EMBEDDED_DATABASE_NAME", "goldenthread")
        )
        print(
            f"Using the embedded PostgreSQL ({embedded.LOCAL_STATE_DIR / 'postgres'}).", flush=True
        )
    if not os.environ.get("CELERY_BROKER_URL"):
        already_running = embedded.redis_is_running()
        os.environ["CELERY_BROKER_URL"] = embedded.redis_url()
        started_redis = not already_running
        print(f"Using the embedded Redis at {os.environ['CELERY_BROKER_URL']}.", flush=True)
    child = subprocess.Popen(argv)  # noqa: S603 - runs the developer's own command
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.send_signal(signal.SIGINT)
        try:
            return child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
            return 130
    finally:
        if started_redis:
            embedded.stop_redis()
        # The embedded PostgreSQL stops itself when its last user exits (this process).


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
