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
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from corpus import ReportQAError

ENV = "REPORTQA_AUTH"
ROLES = ("admin", "user")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MIN_PASSWORD = 8


class AuthError(ReportQAError):
    """A users file that cannot be read or written, or a user name or password that is not allowed."""


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


class UserStore:
    """The users file: add users, verify passwords (successful checks are remembered, keyed by an HMAC)."""

    def __init__(self, path: Path, users: dict[str, dict[str, object]] | None = None) -> None:
        self.path = Path(path)
        self.users = dict(users or {})
        self._secret = secrets.token_bytes(32)  # keys the cache of verified passwords; never leaves memory
        self._verified: dict[str, bytes] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: str | Path, missing_ok: bool = False) -> UserStore:
        """Read the users file (an absent one is empty only with `missing_ok`)."""
        path = Path(path).expanduser()
        if not path.exists():
            if missing_ok:
                return cls(path)
            raise AuthError(f"{ENV}={path}: no such users file; create it with `reportqa user add NAME --admin`")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            users = data["users"]
            if not isinstance(users, dict):
                raise TypeError("users is not an object")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise AuthError(f"{path}: not a reportqa users file ({exc})") from exc
        return cls(path, users)

    @classmethod
    def from_env(cls) -> UserStore | None:
        """The users file named by `REPORTQA_AUTH`, or None when logins are off."""
        value = os.environ.get(ENV, "").strip()
        return cls.load(value) if value else None

    def add(self, name: str, password: str, admin: bool = False) -> None:
        """Add (or replace) a user and write the file atomically, readable by its owner only."""
        if not _NAME.match(name):
            raise AuthError(f"user name {name!r}: use letters, digits and _ . @ - (at most 64)")
        if len(password) < MIN_PASSWORD:
            raise AuthError(f"the password is {len(password)} characters; use at least {MIN_PASSWORD}")
        salt = secrets.token_bytes(16)
        digest = _digest(password, salt, **_SCRYPT)
        self.users[name] = {"role": "admin" if admin else "user", "salt": salt.hex(), "hash": digest.hex(), **_SCRYPT}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staged = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
            json.dump({"users": self.users}, out, ensure_ascii=False, indent=1)
        os.replace(staged, self.path)

    def verify(self, name: str, password: str) -> Principal | None:
        """The user when `password` is theirs, else None (constant-time comparison)."""
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
        entry = self.users.get(str(name))
        if not isinstance(entry, dict):
            return None
        return Principal(f"u-{name}", name, admin=entry.get("role") == "admin", logged_in=True)
