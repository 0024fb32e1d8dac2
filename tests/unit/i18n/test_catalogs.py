"""Every user-visible string is translated into Bahasa Indonesia, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from rantai.i18n import catalog_path, negotiate, translate

ROOT = Path(__file__).resolve().parents[3]
METHODS = [
    ("src/rantai/**.py", "python"),
    ("src/rantai/web/templates/**.html", "jinja2"),
    ("src/rantai/documents/templates/**.html", "jinja2"),  # the printed PO and BAST (issue #12)
]
OPTIONS = {
    "src/rantai/web/templates/**.html": {"extensions": "jinja2.ext.i18n"},
    "src/rantai/documents/templates/**.html": {"extensions": "jinja2.ext.i18n"},
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords={"_": None, "N_": None}, options_map=OPTIONS
    ):
        if isinstance(message, str) and message:
            found.add(message)
    return found


def _catalog(locale: str) -> dict[str, str]:
    with catalog_path(locale).open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle) if m.id}


def test_every_message_has_an_indonesian_translation() -> None:
    messages = _source_messages()
    assert len(messages) > 100  # the extractor really ran over the code and templates
    indonesian = _catalog("id")
    missing = sorted(m for m in messages if not indonesian.get(m))
    assert missing == [], "run `make i18n` and translate these in locales/id: " + repr(missing[:10])


def test_english_catalog_lists_the_same_messages() -> None:
    missing = sorted(_source_messages() - set(_catalog("en")))
    assert missing == [], "run `make i18n`: " + repr(missing[:10])


def test_translations_keep_their_placeholders() -> None:
    wrong = [
        msgid
        for msgid, text in _catalog("id").items()
        if text and sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert wrong == []


def test_translate_fills_placeholders_and_falls_back_to_english() -> None:
    assert translate("id", "Welcome, %(name)s", name="Ros") == "Selamat datang, Ros"
    assert translate("en", "Welcome, %(name)s", name="Ros") == "Welcome, Ros"
    assert translate("id", "A sentence nobody translated") == "A sentence nobody translated"


def test_language_negotiation() -> None:
    assert negotiate("en-US,en;q=0.9") == "en"
    assert negotiate("id-ID") == "id"
    assert negotiate("fr-FR, de") is None
    assert negotiate(None) is None
