"""The command line: users, tokens and the demo loader against a scratch SQLite database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from rantai import migrations
from rantai.cli.main import app
from rantai.db import make_engine, make_session_factory
from rantai.demo.orders import BUYER_EMAIL, FAST_BUYER, SLOW_BUYER
from rantai.demo.rfqs import SUPPLIER_EMAIL
from rantai.demo.seed import DEMO_LOGINS, DEMO_PASSWORD
from rantai.identity.models import ApiToken, Membership, User
from rantai.settings import get_settings

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrations.upgrade(url)
    monkeypatch.setenv("RANTAI_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _rows(url: str, model: type) -> list:  # type: ignore[type-arg]
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        rows = list(session.scalars(select(model)))
    engine.dispose()
    return rows


def test_users_create_and_tokens(cli_db: str) -> None:
    result = runner.invoke(
        app,
        [
            "users",
            "create",
            "--email",
            "Admin@Contoh.co.id",
            "--name",
            "Admin",
            "--organization",
            "PT Uji (Persero)",
            "--org-type",
            "bumn",
            "--role",
            "admin",
            "--password",
            "kata-sandi-panjang",
        ],
    )
    assert result.exit_code == 0, result.output
    assert [u.email for u in _rows(cli_db, User)] == ["admin@contoh.co.id"]
    assert [m.role for m in _rows(cli_db, Membership)] == ["admin"]

    created = runner.invoke(
        app,
        [
            "tokens",
            "create",
            "--email",
            "admin@contoh.co.id",
            "--organization",
            "PT Uji (Persero)",
            "--name",
            "ERP",
        ],
    )
    assert created.exit_code == 0, created.output
    assert re.search(r"^rnt_\S+$", created.output, re.MULTILINE)
    token = _rows(cli_db, ApiToken)[0]
    revoked = runner.invoke(app, ["tokens", "revoke", str(token.id), "--email", "admin@contoh.co.id"])
    assert revoked.exit_code == 0, revoked.output
    assert _rows(cli_db, ApiToken)[0].revoked_at is not None


def test_bad_input_is_reported_in_indonesian_and_writes_nothing(cli_db: str) -> None:
    result = runner.invoke(
        app,
        [
            "users",
            "create",
            "--email",
            "bukan-email",
            "--name",
            "X",
            "--organization",
            "Org Baru",
            "--password",
            "kata-sandi-panjang",
        ],
    )
    assert result.exit_code == 1
    assert "Isi alamat email yang valid" in result.output
    assert _rows(cli_db, User) == []


def test_demo_without_serving_prints_logins_and_is_idempotent(cli_db: str) -> None:
    outputs = []
    for _ in range(2):
        result = runner.invoke(app, ["demo", "--no-serve"])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    assert "Demo RFQs: 1 open, 1 past the deadline, 1 awarded, 1 cancelled" in outputs[0]
    assert "1 awarded and waiting for approval" in outputs[0]  # the demo approver's (issue #13)
    assert "Demo orders: 10 purchase orders" in outputs[0] and "Demo orders: 0 purchase orders" in outputs[1]
    # The small scale's history (issue #15): every province's UMKM sells, once.
    assert re.search(
        r"Demo history \(24 months\): .* [23]\d{3} purchase orders .* in 38 provinces", outputs[0]
    )
    assert "Demo history: already loaded, nothing added" in outputs[1]
    assert DEMO_PASSWORD in result.output
    assert all(login.email in result.output for login in DEMO_LOGINS)
    # The demo logins, the owners of the three registry suppliers that quote on the demo RFQs, and the
    # officers of the two other buyers with demo orders.
    competitors = {SUPPLIER_EMAIL.format(n=n) for n in (1, 2, 3)}
    buyers = {BUYER_EMAIL.format(slug=slug) for slug in (FAST_BUYER, SLOW_BUYER)}
    assert len(_rows(cli_db, User)) == len({login.email for login in DEMO_LOGINS} | competitors | buyers)


def test_rfq_close_due_closes_what_is_due(tmp_path: Path) -> None:
    # On a fresh database nothing is due; the command says so and exits 0.
    url = f"sqlite:///{tmp_path / 'rfq.db'}"
    env = {
        "RANTAI_DATABASE_URL": url,
        "RANTAI_DATA_DIR": str(tmp_path / "data"),
        "RANTAI_DEFAULT_LOCALE": "en",
    }
    assert runner.invoke(app, ["db", "upgrade", "--no-reference"], env=env).exit_code == 0
    result = runner.invoke(app, ["rfq", "close-due"], env=env)
    assert result.exit_code == 0, result.output
    assert "0 requests for quotations closed" in result.output


def test_export_ocds_writes_nothing_on_an_empty_platform_and_says_so(cli_db: str, tmp_path: Path) -> None:
    out = tmp_path / "ocds"
    result = runner.invoke(app, ["export", "ocds", "--out", str(out), "--per-file", "50"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 processes, 0 releases in 0 files")
    assert out.is_dir() and list(out.iterdir()) == []
    assert runner.invoke(app, ["export", "ocds", "--out", str(out), "--per-file", "0"]).exit_code == 2


def test_import_awards_reads_an_ocds_package(cli_db: str, tmp_path: Path) -> None:
    """`rantai import awards x.json` reads an OCDS release package through the OCDS mapping."""
    import datetime as dt  # noqa: PLC0415
    import json  # noqa: PLC0415

    from tests.factories.ocds import split_process  # noqa: PLC0415

    from rantai.ocds import mapping, packages  # noqa: PLC0415
    from rantai.suppliers.models import PastAward  # noqa: PLC0415

    made = runner.invoke(
        app,
        [
            "users",
            "create",
            "--email",
            "admin@contoh.co.id",
            "--name",
            "Admin",
            "--organization",
            "PT Uji (Persero)",
            "--org-type",
            "bumn",
            "--role",
            "admin",
            "--password",
            "kata-sandi-panjang",
        ],
    )
    assert made.exit_code == 0, made.output
    package = packages.release_package(
        mapping.releases(split_process(), prefix="ocds-b5fd17"),
        uri="u",
        published_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
        base_url="https://x",
    )
    path = tmp_path / "awards.json"
    path.write_text(json.dumps(package), encoding="utf-8")
    args = [
        "import",
        "awards",
        str(path),
        "--email",
        "admin@contoh.co.id",
        "--organization",
        "PT Uji (Persero)",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "rows 2: inserted 2" in result.output
    assert len(_rows(cli_db, PastAward)) == 2
    path.write_text("{", encoding="utf-8")
    broken = runner.invoke(app, args)
    assert broken.exit_code == 1 and "awards.json" in broken.output
