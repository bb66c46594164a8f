"""Staff accounts: password hashes from config and the users file, and login throttling.

Passwords are stored only as werkzeug hashes. ``gazette user add NAME`` writes to the file named by
``[staff] users_file``. Failed logins are throttled per account and per client address: after
``FREE_FAILURES`` failures each further attempt must wait, doubling up to ``MAX_DELAY`` seconds.
"""

from __future__ import annotations

import os
import re
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from indexer.config import StaffConfig
from indexer.errors import ConfigError, GazetteError

FREE_FAILURES = 3
MAX_DELAY = 300.0
_NAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
# Checked against when the name is unknown, so both paths take the same time.
_DUMMY_HASH = generate_password_hash("not a password")


def read_users(config: StaffConfig) -> dict[str, str]:
    """``{name: hash}`` from ``[staff] users`` and the users file (the file wins)."""
    users = dict(config.users)
    path = config.users_file
    if path is not None and path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the staff users file: {exc}") from None
        for name, value in data.items():
            if not isinstance(value, str):
                raise ConfigError(f"{path}: {name}: expected a password hash string")
            users[name] = value
    return users


def add_user(path: Path, name: str, password: str) -> None:
    """Add or replace ``name`` in the users file, written atomically with mode 0600."""
    if not _NAME_RE.match(name):
        raise GazetteError(f"{name!r}: a user name is 1-64 letters, digits or _ . @ -")
    if len(password) < 8:
        raise GazetteError("the password must have at least 8 characters")
    users = {}
    if path.is_file():
        users = {
            k: v
            for k, v in tomllib.loads(path.read_text(encoding="utf-8")).items()
            if isinstance(v, str)
        }
    users[name] = generate_password_hash(password)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        for user, digest in sorted(users.items()):
            fh.write(f'"{user}" = "{digest}"\n')
    os.replace(tmp, path)


def verify(users: dict[str, str], name: str, password: str) -> bool:
    """Whether the password is right; takes the same time for unknown names."""
    digest = users.get(name)
    ok = check_password_hash(digest or _DUMMY_HASH, password)
    return ok and digest is not None


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0


@dataclass
class Throttle:
    """Failed-login bookkeeping per key (account name, client address). Thread-safe."""

    clock: object = field(default=time.monotonic)
    _entries: dict[str, _Failures] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_seconds(self, *keys: str) -> float:
        """How long the caller must wait before another attempt for any of ``keys``."""
        now = self._now()
        with self._lock:
            waits = [self._wait(self._entries.get(k), now) for k in keys]
        return max(waits, default=0.0)

    def failed(self, *keys: str) -> None:
        now = self._now()
        with self._lock:
            for key in keys:
                entry = self._entries.setdefault(key, _Failures())
                entry.count += 1
                entry.last = now

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._entries.pop(key, None)

    def _now(self) -> float:
        return float(self.clock())  # type: ignore[operator]

    @staticmethod
    def _wait(entry: _Failures | None, now: float) -> float:
        if entry is None or entry.count < FREE_FAILURES:
            return 0.0
        delay = min(MAX_DELAY, 2.0 ** (entry.count - FREE_FAILURES + 1))
        return max(0.0, entry.last + delay - now)
