"""The embedded Redis is shared by every process that asks for it and stops with the last."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import redis

HOLD_REDIS = (
    "import sys\n"
    "from goldenthread.platform.devtools import embedded\n"
    "print(embedded.redis_url(), flush=True)\n"
    "sys.stdin.read()\n"  # hold it until the test closes our stdin
)


def start_user(state_dir) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "GOLDENTHREAD_STATE_DIR": str(state_dir)}
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_REDIS],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    return process, process.stdout.readline().strip()


def answers(url: str) -> bool:
    try:
        return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


def finish(process: subprocess.Popen) -> None:
    process.stdin.close()
    assert process.wait(timeout=20) == 0


def test_embedded_redis_is_shared_and_stops_when_its_last_user_exits(tmp_path):
    first, url = start_user(tmp_path)
    second = None
    try:
        # Given two processes that asked for the embedded Redis
        second, second_url = start_user(tmp_path)
        # Then they share one server
        assert url.startswith("redis://127.0.0.1:") and second_url == url
        assert answers(url)

        # When the first exits, the server stays up for the second
        finish(first)
        assert answers(url)

        # When the last one exits, the server stops
        finish(second)
        deadline = time.monotonic() + 5
        while answers(url) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not answers(url)
        assert not (tmp_path / "redis" / "redis.pid").exists()
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
        pid_file = tmp_path / "redis" / "redis.pid"
        if pid_file.exists():  # never leave a server behind, even on failure
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
