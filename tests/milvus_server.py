"""Milvus Lite serving over gRPC on 127.0.0.1 (a subprocess), for tests that connect by URI like a deployment."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MilvusLiteServer:
    """`milvus-lite server --data-dir … --host 127.0.0.1 --port …` started on enter and stopped on exit."""

    def __init__(self, data_dir: Path, timeout: float = 60.0) -> None:
        self.data_dir = Path(data_dir)
        self.port = free_port()
        self.uri = f"http://127.0.0.1:{self.port}"
        self.timeout = timeout
        self.log = self.data_dir.parent / f"milvus-lite-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> MilvusLiteServer:
        command = [sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(self.data_dir)]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_serving()
        return self

    def _wait_until_serving(self) -> None:
        """Poll with a real client call until the server answers (or fail with its log)."""
        from pymilvus import MilvusClient

        assert self.process is not None
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"milvus-lite server exited: {self.log.read_text(errors='replace')}")
            try:
                client = MilvusClient(uri=self.uri, timeout=2)
                client.list_collections()
                client.close()
                return
            except Exception:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"milvus-lite server did not answer on {self.uri}: {self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        """Terminate the server (kill it if it does not stop within 10 s)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
