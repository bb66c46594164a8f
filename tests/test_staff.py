from __future__ import annotations

from pathlib import Path

import pytest

from indexer.config import StaffConfig
from indexer.errors import ConfigError, GazetteError
from searchapp.staff import FREE_FAILURES, Throttle, add_user, read_users, verify


def test_add_user_writes_a_hash_not_the_password(tmp_path: Path) -> None:
    path = tmp_path / "staff.toml"
    add_user(path, "alice", "correct horse")
    add_user(path, "bob", "battery staple")
    text = path.read_text(encoding="utf-8")
    assert "correct horse" not in text and text.count("scrypt:") + text.count("pbkdf2:") == 2
    assert path.stat().st_mode & 0o777 == 0o600
    users = read_users(StaffConfig(users_file=path))
    assert sorted(users) == ["alice", "bob"]
    assert verify(users, "alice", "correct horse")
    assert not verify(users, "alice", "battery staple")
    assert not verify(users, "carol", "correct horse")


def test_bad_names_and_short_passwords_are_refused(tmp_path: Path) -> None:
    with pytest.raises(GazetteError, match="user name"):
        add_user(tmp_path / "s.toml", "al ice", "long enough")
    with pytest.raises(GazetteError, match="at least 8"):
        add_user(tmp_path / "s.toml", "alice", "short")


def test_broken_users_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("alice = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a password hash"):
        read_users(StaffConfig(users_file=path))


def test_throttle_doubles_the_wait_after_free_failures() -> None:
    now = [1000.0]
    throttle = Throttle(clock=lambda: now[0])
    for _ in range(FREE_FAILURES - 1):
        throttle.failed("alice", "1.2.3.4")
    assert throttle.wait_seconds("alice", "1.2.3.4") == 0
    throttle.failed("alice", "1.2.3.4")
    assert throttle.wait_seconds("alice") == 2.0
    throttle.failed("alice")
    assert throttle.wait_seconds("alice", "9.9.9.9") == 4.0
    now[0] += 4.0
    assert throttle.wait_seconds("alice") == 0
    throttle.succeeded("alice", "1.2.3.4")
    assert throttle.wait_seconds("alice", "1.2.3.4") == 0


def test_user_add_command_prompts_and_saves(tmp_path: Path) -> None:
    from tests.helpers import run_cli, write_config

    write_config(tmp_path, ["src"], extra='[staff]\nusers_file = "users.toml"\n')
    out = run_cli("user", "add", "alice", cwd=tmp_path, stdin="s3cret-pass\ns3cret-pass\n")
    assert out.returncode == 0, out.stderr
    users = read_users(StaffConfig(users_file=tmp_path / "users.toml"))
    assert verify(users, "alice", "s3cret-pass")
    short = run_cli("user", "add", "bob", "--password", "short", cwd=tmp_path)
    assert short.returncode == 1
    assert short.stderr == "gazette: the password must have at least 8 characters\n"
