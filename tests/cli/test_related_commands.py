"""`rantai related train` learns the related words and makes them the ones in use (issue #14 item 2)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from rantai.cli.main import app
from rantai.settings import get_settings
from rantai.sourcing import related_words

runner = CliRunner()


def test_related_train_writes_the_model_and_says_so(tmp_path: Path) -> None:
    env = {
        "RANTAI_DATABASE_URL": f"sqlite:///{tmp_path / 'related.db'}",
        "RANTAI_DATA_DIR": str(tmp_path / "data"),
        "RANTAI_DEFAULT_LOCALE": "en",
    }
    get_settings.cache_clear()
    try:
        assert runner.invoke(app, ["db", "upgrade", "--no-reference"], env=env).exit_code == 0
        result = runner.invoke(app, ["related", "train"], env=env)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "learned from 0 texts" in result.output
    assert (tmp_path / "data" / "models" / related_words.FILES.pointer).is_file()
    table = related_words.current(tmp_path / "data")
    assert table is not None and len(table) == 0  # an empty platform relates nothing
