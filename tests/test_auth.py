"""Logins: the users file (salted scrypt hashes, no password stored), `reportqa user add`, who is who."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from app_server import ROOT

from qa.auth import AuthError, UserStore, session_principal


def test_a_user_added_is_verified_by_password_and_the_file_holds_no_password(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    store = UserStore.load(path, missing_ok=True)
    store.add("alice", "correct horse", admin=False)
    store.add("root", "battery staple", admin=True)
    raw = path.read_text(encoding="utf-8")
    assert "correct horse" not in raw and "battery staple" not in raw
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    entry = json.loads(raw)["users"]["alice"]
    assert entry["role"] == "user" and len(bytes.fromhex(entry["salt"])) == 16 and len(entry["hash"]) == 64
    again = UserStore.load(path)
    alice = again.verify("alice", "correct horse")
    assert alice is not None and (alice.key, alice.admin, alice.logged_in) == ("u-alice", False, True)
    assert again.verify("alice", "correct horse") == alice  # the second check comes from the cache
    assert again.verify("alice", "Correct horse") is None and again.verify("alice", "") is None
    assert again.verify("mallory", "correct horse") is None
    root = again.verify("root", "battery staple")
    assert root is not None and root.admin
    # Two users with the same password get different hashes (the salt).
    store.add("bob", "correct horse")
    users = json.loads(path.read_text(encoding="utf-8"))["users"]
    assert users["bob"]["hash"] != users["alice"]["hash"]


def test_bad_names_short_passwords_and_broken_files_are_refused(tmp_path: Path) -> None:
    store = UserStore.load(tmp_path / "users.json", missing_ok=True)
    for name, password in (("../etc", "long enough"), ("", "long enough"), ("alice", "short")):
        with pytest.raises(AuthError):
            store.add(name, password)
    with pytest.raises(AuthError, match="no such users file"):
        UserStore.load(tmp_path / "missing.json")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(AuthError, match="not a reportqa users file"):
        UserStore.load(tmp_path / "broken.json")


def test_without_logins_each_session_is_its_own_user() -> None:
    one, two = session_principal("s", "abc"), session_principal("s", "def")
    assert one.key == "s-abc" and two.key == "s-def" and not one.logged_in
    assert session_principal("c", "../../x").key == "c-x"  # a client token never names a folder outside
    assert session_principal("c", None).key == "anonymous"


def test_reportqa_user_add_reads_the_password_from_stdin(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    env = {**os.environ, "REPORTQA_AUTH": str(path)}
    done = subprocess.run(
        [sys.executable, "-m", "cli", "user", "add", "editor", "--admin"], input="s3cret-pass\n",
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "admin editor" in done.stderr
    user = UserStore.load(path).verify("editor", "s3cret-pass")
    assert user is not None and user.admin
    short = subprocess.run(
        [sys.executable, "-m", "cli", "user", "add", "x", "--file", str(path)], input="abc\n",
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert short.returncode == 2 and short.stderr.startswith("reportqa: error:") and "Traceback" not in short.stderr


def test_mcp_over_http_with_logins_needs_a_users_credentials(tmp_path: Path) -> None:
    import asyncio

    import httpx
    import httpx2
    from app_server import copy_reports, free_port
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    users = UserStore.load(tmp_path / "users.json", missing_ok=True)
    users.add("agent", "agent-password")
    corpus = copy_reports(["txt/000_shanghai_justice_bureau_2020.txt"], tmp_path / "corpus")
    port = free_port()
    env = {**os.environ, "REPORTQA_FAKE_EMBEDDINGS": "1", "REPORTQA_HOME": str(tmp_path / "home"),
           "REPORTQA_AUTH": str(users.path), "PYTHONPATH": str(ROOT)}  # fmt: skip
    command = [sys.executable, "-m", "cli", "mcp", "--http", "--port", str(port), "--corpus", str(corpus)]
    log = tmp_path / "mcp.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        for _ in range(600):
            try:
                refused = httpx.post(url, json={}, timeout=5)
                break
            except httpx.TransportError:
                assert process.poll() is None, log.read_text(encoding="utf-8")
                time.sleep(0.2)
        assert refused.status_code == 401 and refused.json()["error"].startswith("需要登录")
        assert httpx.post(url, json={}, auth=("agent", "wrong"), timeout=5).status_code == 401

        async def ask() -> Any:
            async with httpx2.AsyncClient(auth=("agent", "agent-password")) as client:
                async with streamable_http_client(url, http_client=client) as (read, write):
                    async with ClientSession(read, write) as session:
                        await session.initialize()
                        question = {"question": "上海市司法局2020年有多少件申请没有答复？"}
                        return (await session.call_tool("ask", question)).structured_content

        assert asyncio.run(ask())["value"] == 5
    finally:
        process.terminate()
        process.wait(timeout=15)
