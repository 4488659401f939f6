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
    assert done.stderr == f"管理员 editor 已写入 {path}\n"
    user = UserStore.load(path).verify("editor", "s3cret-pass")
    assert user is not None and user.admin
    short = subprocess.run(
        [sys.executable, "-m", "cli", "user", "add", "x", "--file", str(path)], input="abc\n",
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert short.returncode == 2 and short.stderr == "reportqa: error: 密码只有 3 个字符：至少要 8 个\n"


def _user(path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`reportqa user ARGS --file PATH`, the password (if any) on stdin."""
    return subprocess.run(
        [sys.executable, "-m", "cli", "user", *args, "--file", str(path)], input=stdin,
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip


def test_reportqa_user_list_remove_passwd_and_role(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    store = UserStore.load(path, missing_ok=True)
    store.add("editor", "editor-password", admin=True)
    store.add("bob", "bob-password")
    listed = _user(path, "list")
    assert (listed.returncode, listed.stdout, listed.stderr) == (0, "bob\tuser\neditor\tadmin\n", "共 2 个用户\n")
    assert json.loads(_user(path, "list", "--json").stdout) == {
        "users": [{"name": "bob", "role": "user"}, {"name": "editor", "role": "admin"}], "count": 2}
    changed = _user(path, "passwd", "bob", stdin="new-bob-password\n")
    assert (changed.returncode, changed.stderr) == (0, "已更新 bob 的密码\n")
    again = UserStore.load(path)
    bob = again.verify("bob", "new-bob-password")
    assert again.verify("bob", "bob-password") is None and bob is not None and not bob.admin
    promoted = _user(path, "role", "bob", "admin")
    assert (promoted.returncode, promoted.stderr) == (0, "bob 现在是管理员\n")
    assert UserStore.load(path).names() == [("bob", "admin"), ("editor", "admin")]
    assert _user(path, "role", "editor", "user").stderr == "editor 现在是普通用户\n"
    removed = _user(path, "remove", "editor")
    assert (removed.returncode, removed.stderr) == (0, "已删除用户 editor（其上传的报告仍保留在服务器上）\n")
    assert UserStore.load(path).names() == [("bob", "admin")]


def test_reportqa_user_refuses_unknown_users_the_last_admin_and_a_missing_file_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    UserStore.load(path, missing_ok=True).add("editor", "editor-password", admin=True)
    before = path.read_bytes()
    for args, stdin, error in (
        (("remove", "ghost"), "", f"用户文件「{path}」中没有用户「ghost」"),
        (("passwd", "ghost"), "long-password\n", f"用户文件「{path}」中没有用户「ghost」"),
        (("remove", "editor"), "", "「editor」是最后一位管理员，不能删除：先把另一位用户设为管理员"),
        (("role", "editor", "user"), "", "「editor」是最后一位管理员，不能改为普通用户：先把另一位用户设为管理员"),
        (("passwd", "editor"), "short\n", "密码只有 5 个字符：至少要 8 个"),
    ):
        done = _user(path, *args, stdin=stdin)
        assert (done.returncode, done.stdout, done.stderr) == (2, "", f"reportqa: error: {error}\n"), args
    assert path.read_bytes() == before
    missing = _user(tmp_path / "none.json", "list")
    assert missing.stderr == f"reportqa: error: 没有用户文件「{tmp_path / 'none.json'}」：先用 `reportqa user add 名字 --admin` 建立\n"


def test_a_running_server_sees_a_removed_user_and_a_new_password_without_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    admin = UserStore.load(path, missing_ok=True)
    admin.add("editor", "editor-password", admin=True)
    admin.add("bob", "bob-password")
    server = UserStore.load(path)  # what a running server holds
    assert server.verify("bob", "bob-password") is not None  # remembered from now on
    UserStore.load(path).set_password("bob", "other-password")
    assert server.verify("bob", "bob-password") is None
    assert server.verify("bob", "other-password") is not None
    UserStore.load(path).remove("bob")
    assert server.verify("bob", "other-password") is None and server.principal("bob") is None
    path.write_text("{broken", encoding="utf-8")  # a file broken by hand keeps the users as they were
    assert server.principal("editor") is not None


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
