"""Optional logins: a users file of salted scrypt hashes (`REPORTQA_AUTH`) and who may do what.

The file is JSON, `{"users": {"NAME": {"role": "admin"|"user", "salt": hex, "hash": hex, "n": 16384, …}}}`;
no password is stored, only `hashlib.scrypt(password, salt)`. `reportqa user add NAME [--admin]` writes it.
Without `REPORTQA_AUTH` there are no logins: each browser session (or REST client) is its own user, and
may publish its own uploads (the single-user laptop case).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from corpus import ReportQAError

log = logging.getLogger(__name__)

ENV = "REPORTQA_AUTH"
ROLES = ("admin", "user")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MIN_PASSWORD = 8


class AuthError(ReportQAError):
    """A users file that cannot be read or written, or a user name or password that is not allowed.

    `str()` is the English detail for logs; `message_zh` is what the CLI and the app show.
    """

    def __init__(self, message: str, message_zh: str = "") -> None:
        super().__init__(message)
        self.message_zh = message_zh or "账号操作失败：" + message

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (str(self), self.message_zh))


@dataclass(frozen=True)
class Principal:
    """Who is asking: `key` names their private upload folder; `admin` may publish any upload."""

    key: str
    name: str
    admin: bool = False
    logged_in: bool = False


def session_principal(kind: str, token: str | None) -> Principal:
    """The user of a session without login: a browser session (`s`) or a REST client token (`c`)."""
    clean = re.sub(r"[^A-Za-z0-9_-]", "", token or "")[:64]
    if not clean:
        return Principal("anonymous", "anonymous", admin=True)
    return Principal(f"{kind}-{clean}", clean, admin=True)


def _digest(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells a changed users file: its inode (each write replaces it), modification time and size."""
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_ino, found.st_mtime_ns, found.st_size)


def _hashed(password: str) -> dict[str, object]:
    """A fresh salt and the scrypt hash of a password that is long enough, as stored in the file."""
    if len(password) < MIN_PASSWORD:
        raise AuthError(
            f"the password is {len(password)} characters; use at least {MIN_PASSWORD}",
            f"密码只有 {len(password)} 个字符：至少要 {MIN_PASSWORD} 个",
        )
    salt = secrets.token_bytes(16)
    return {"salt": salt.hex(), "hash": _digest(password, salt, **_SCRYPT).hex(), **_SCRYPT}


class UserStore:
    """The users file: add users, verify passwords (successful checks are remembered, keyed by an HMAC)."""

    def __init__(self, path: Path, users: dict[str, dict[str, object]] | None = None) -> None:
        self.path = Path(path)
        self.users = dict(users or {})
        self._secret = secrets.token_bytes(32)  # keys the cache of verified passwords; never leaves memory
        self._verified: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None  # (inode, mtime_ns, size) of the file as last read or written

    @classmethod
    def load(cls, path: str | Path, missing_ok: bool = False) -> UserStore:
        """Read the users file (an absent one is empty only with `missing_ok`)."""
        path = Path(path).expanduser()
        if not path.exists():
            if missing_ok:
                return cls(path)
            raise AuthError(
                f"{ENV}={path}: no such users file; create it with `reportqa user add NAME --admin`",
                f"没有用户文件「{path}」：先用 `reportqa user add 名字 --admin` 建立",
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            users = data["users"]
            if not isinstance(users, dict):
                raise TypeError("users is not an object")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise AuthError(f"{path}: not a reportqa users file ({exc})", f"「{path}」不是 reportqa 的用户文件") from exc
        store = cls(path, users)
        store._stamp = _stamp(path)
        return store

    @classmethod
    def from_env(cls) -> UserStore | None:
        """The users file named by `REPORTQA_AUTH`, or None when logins are off."""
        value = os.environ.get(ENV, "").strip()
        return cls.load(value) if value else None

    def add(self, name: str, password: str, admin: bool = False) -> None:
        """Add (or replace) a user and write the file atomically, readable by its owner only."""
        if not _NAME.match(name):
            raise AuthError(
                f"user name {name!r}: use letters, digits and _ . @ - (at most 64)",
                f"用户名「{name}」不可用：只能用字母、数字和 _ . @ -，最多 64 个字符",
            )
        self.refresh()
        self.users[name] = {"role": "admin" if admin else "user", **_hashed(password)}
        self._save()

    def names(self) -> list[tuple[str, str]]:
        """Every user as (name, role), sorted by name."""
        self.refresh()
        return sorted((name, str(entry.get("role", "user"))) for name, entry in self.users.items())

    def set_password(self, name: str, password: str) -> None:
        """Give an existing user a new password (their role stays); their remembered logins are forgotten."""
        entry = self._entry(name)
        self.users[name] = {**entry, **_hashed(password)}
        self._save()

    def set_role(self, name: str, admin: bool) -> None:
        """Make a user an administrator or an ordinary user; the last administrator stays one."""
        entry = self._entry(name)
        if not admin:
            self._keep_an_admin(name, "demote", f"「{name}」是最后一位管理员，不能改为普通用户：先把另一位用户设为管理员")
        self.users[name] = {**entry, "role": "admin" if admin else "user"}
        self._save()

    def remove(self, name: str) -> None:
        """Delete a user (their uploads stay on disk); the last administrator cannot be removed."""
        self._entry(name)
        self._keep_an_admin(name, "remove", f"「{name}」是最后一位管理员，不能删除：先把另一位用户设为管理员")
        del self.users[name]
        self._save()

    def _entry(self, name: str) -> dict[str, object]:
        """The stored entry of a user who exists (the file is read again first)."""
        self.refresh()
        entry = self.users.get(name)
        if not isinstance(entry, dict):
            raise AuthError(f"no user {name!r} in {self.path}", f"用户文件「{self.path}」中没有用户「{name}」")
        return entry

    def _keep_an_admin(self, name: str, action: str, zh: str) -> None:
        """Refuse to take away the only administrator (nobody could publish or manage uploads any more)."""
        admins = [n for n, e in self.users.items() if isinstance(e, dict) and e.get("role") == "admin"]
        if admins == [name]:
            raise AuthError(f"cannot {action} {name!r}: the last administrator", zh)

    def _save(self) -> None:
        """Write the file atomically, mode 0600; forget the verified passwords (one may have changed)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staged = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
            json.dump({"users": self.users}, out, ensure_ascii=False, indent=1)
        os.replace(staged, self.path)
        with self._lock:
            self._verified.clear()
            self._stamp = _stamp(self.path)

    def refresh(self) -> None:
        """Read the file again when it changed on disk (`reportqa user …` beside a running server).

        A removed user or a changed password takes effect at the next request, without a restart; a file
        that became unreadable keeps the users as they were (and is logged).
        """
        stamp = _stamp(self.path)
        if stamp == self._stamp:
            return
        try:
            fresh = UserStore.load(self.path)
        except AuthError as exc:
            log.warning("users file not reloaded: %s", exc)
            return
        with self._lock:
            self.users, self._stamp = fresh.users, stamp
            self._verified.clear()

    def verify(self, name: str, password: str) -> Principal | None:
        """The user when `password` is theirs, else None (constant-time comparison)."""
        self.refresh()
        entry = self.users.get(str(name))
        if not isinstance(entry, dict) or not isinstance(password, str):
            return None
        mac = hmac.new(self._secret, f"{name}\0{password}".encode(), "sha256").digest()
        with self._lock:
            known = self._verified.get(name)
        if known is None or not hmac.compare_digest(known, mac):
            try:
                salt = bytes.fromhex(str(entry["salt"]))
                expected = bytes.fromhex(str(entry["hash"]))
                params = {k: int(str(entry.get(k, _SCRYPT[k]))) for k in _SCRYPT}
            except (KeyError, ValueError):
                return None
            if not hmac.compare_digest(_digest(password, salt, **params), expected):
                return None
            with self._lock:
                self._verified[name] = mac
        return Principal(f"u-{name}", name, admin=entry.get("role") == "admin", logged_in=True)

    def principal(self, name: str) -> Principal | None:
        """The user of an established login (Gradio's session cookie names them), or None if unknown."""
        self.refresh()
        entry = self.users.get(str(name))
        if not isinstance(entry, dict):
            return None
        return Principal(f"u-{name}", name, admin=entry.get("role") == "admin", logged_in=True)
