"""``rantai mail list`` and ``rantai mail send`` with email off: the operator reads what would be sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rantai import migrations
from rantai.cli.main import app
from rantai.db import make_engine, make_session_factory, transaction
from rantai.notifications.service import Recipient, queue_email
from rantai.settings import get_settings

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrations.upgrade(url)
    monkeypatch.setenv("RANTAI_DATABASE_URL", url)
    monkeypatch.setenv("RANTAI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RANTAI_MAIL_ENABLED", "false")
    get_settings.cache_clear()
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as session:
        queue_email(
            session,
            Recipient(None, "ratna@contoh.co.id", "id"),
            subject="Hello",
            body="Body text %(n)s",
            params={"n": 7},
        )
    engine.dispose()
    yield tmp_path / "data"
    get_settings.cache_clear()


def test_mail_list_then_send_writes_files(cli_env: Path) -> None:
    listed = runner.invoke(app, ["mail", "list", "--body"])
    assert listed.exit_code == 0, listed.output
    assert "1 emails in the outbox." in listed.output
    assert (
        "#1 queued attempts=0" in listed.output and "to=ratna@contoh.co.id subject='Hello'" in listed.output
    )
    assert "Body text 7" in listed.output
    sent = runner.invoke(app, ["mail", "send"])
    assert sent.exit_code == 0, sent.output
    assert sent.output.startswith("1 written to ") and "0 failed" in sent.output
    assert (cli_env / "mail" / "00000001.eml").read_text().count("Body text 7") == 1
    written = runner.invoke(app, ["mail", "list", "--status", "written"])
    assert "1 emails written in the outbox." in written.output and "#1 written attempts=1" in written.output
