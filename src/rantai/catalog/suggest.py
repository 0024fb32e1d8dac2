"""Suggest KBLI and HS codes from a product name: the top 3 of each, for the user to confirm.

It reuses the matching engine's Indonesian analyzer and index over the reference titles (KBLI 5-digit
classes with their descriptions, BTKI 8-digit lines with their full descriptions). The indexes are built
in memory once per process and data version: about 13,000 short documents, well under a second.

The index ranks with synonyms and long descriptions, so on its own it offered "KBLI 26391 Kartu Cerdas
(Smart Card)" for "keripik" (its description speaks of chips). A suggestion is therefore kept only when
its title (a KBLI class's title; an HS line's text with its heading and subheading) shares a word with
the product name after the analyzer's folding and stemming, without synonyms (issue #13). The matching
work's category classifier is meant to replace these suggestions when it lands.

An HS line's full text runs to a paragraph; a suggestion carries a short title (the line's own words,
after its subheading's when the line alone says only "Lain-lain") and the full text for on demand.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rantai.catalog import inference
from rantai.matching import Document, SearchIndex, normalize
from rantai.reference.models import HsCode, Kbli, KbliLevel, ReferenceDataset

_lock = threading.Lock()
_cache: dict[str, tuple[str, SearchIndex, dict[str, _Title]]] = {}
# Candidates read from the index before the shared-word filter keeps the best `limit`.
_CANDIDATES = 30
SHORT_TITLE_MAX = 90  # characters of a short HS title before it is cut with "…"


@dataclass(frozen=True, slots=True)
class _Title:
    short: str
    full: str
    words: frozenset[str]


@dataclass(frozen=True, slots=True)
class Suggestion:
    code: str
    title: str  # short enough for a phone
    score: float
    full_title: str = ""  # the whole reference text when it says more than `title`

    @property
    def longer(self) -> bool:
        return bool(self.full_title) and self.full_title != self.title


def _words(text: str) -> frozenset[str]:
    """Content words of a text as the analyzer sees them (folded, stemmed), quantities left out."""
    return frozenset(token for token in normalize(text) if not token.startswith("qty:"))


def _cut(text: str, limit: int = SHORT_TITLE_MAX) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _generic(text: str) -> bool:
    """A line that says nothing on its own ("Lain-lain", "Lainnya", "Other")."""
    return text.strip(" .:;").casefold() in {"lain-lain", "lainnya", "lain lain", "other", "others"}


def hs_short_title(description: str, ancestors: list[str]) -> str:
    """The short title of an HS line: its own words, after the nearest ancestor's (subheading, then
    heading) that says something when the line alone says only "Lain-lain"; at most `SHORT_TITLE_MAX`
    characters."""
    own = description.strip().removesuffix(":").strip()
    if not (_generic(own) or len(own) < 12):
        return _cut(own)
    for ancestor in ancestors:
        text = ancestor.strip().removesuffix(":").strip()
        if text and not _generic(text):
            return _cut(f"{_cut(text, SHORT_TITLE_MAX - len(own) - 3)} — {own}")
    return _cut(own)


def _version(session: Session, dataset: str) -> str:
    return session.scalar(select(ReferenceDataset.checksum).where(ReferenceDataset.name == dataset)) or ""


def _index(session: Session, kind: str) -> tuple[SearchIndex, dict[str, _Title]]:
    dataset = "kbli" if kind == "kbli" else "hs_code"
    version = _version(session, dataset)
    with _lock:
        cached = _cache.get(kind)
        if cached is not None and cached[0] == version:
            return cached[1], cached[2]
        titles: dict[str, _Title] = {}
        documents: list[Document] = []
        if kind == "kbli":
            for code, title, description in session.execute(
                select(Kbli.code, Kbli.title, Kbli.description).where(Kbli.level == KbliLevel.CLASS.value)
            ):
                titles[code] = _Title(title, title, _words(title))
                documents.append(Document(id=code, name=title, description=description[:600]))
        else:
            rows = session.execute(
                select(
                    HsCode.code,
                    HsCode.level,
                    HsCode.parent_code,
                    HsCode.description_id,
                    HsCode.full_description_id,
                )
            ).all()
            parents = {code: (parent, own) for code, _, parent, own, _ in rows}
            for code, level, parent, own, full in rows:
                if level != 8:
                    continue
                ancestors: list[str] = []
                up = parent
                while up is not None and up in parents and len(ancestors) < 4:
                    up, text = parents[up]
                    ancestors.append(text)
                short = hs_short_title(own, ancestors)
                titles[code] = _Title(short, full, _words(full))
                documents.append(Document(id=code, name=full))
        index = SearchIndex.build(documents)
        _cache[kind] = (version, index, titles)
        return index, titles


def suggest(session: Session, text: str, kind: str, *, limit: int = 3) -> list[Suggestion]:
    """Top ``limit`` KBLI classes (``kind="kbli"``) or HS lines (``kind="hs"``) for a product name, only
    those whose title shares a word with it."""
    wanted = _words(text)
    if not wanted:
        return []
    index, titles = _index(session, kind)
    found: list[Suggestion] = []
    for hit in index.search(text, limit=max(limit, _CANDIDATES)):
        title = titles[hit.id]
        if title.words.isdisjoint(wanted):
            continue
        found.append(Suggestion(hit.id, title.short, round(hit.score, 3), title.full))
        if len(found) == limit:
            break
    return found


def describe(session: Session, code: str | None, kind: str) -> Suggestion | None:
    """A code already chosen (a product being edited), worded like a suggestion; None when unknown."""
    if not code:
        return None
    _, titles = _index(session, kind)
    title = titles.get(code)
    return Suggestion(code, title.short, 0.0, title.full) if title is not None else None


def suggest_classified(session: Session, text: str, kind: str, *, limit: int = 3) -> list[Suggestion]:
    """`suggest`, led by the category classifier's answer when a model is in use (issue #14): its KBLI
    class first (its confidence as the score), and for HS the lines under its heading first."""
    found = suggest(session, text, kind, limit=limit if kind == "kbli" else _CANDIDATES)
    answers = inference.infer_texts([text]) if text.strip() else None
    if not answers:
        return found[:limit]
    if kind == "kbli":
        code = answers[0]["inferred_kbli_code"]
        first = describe(session, code, "kbli") if code else None
        if first is None:
            return found[:limit]
        first = Suggestion(
            first.code, first.title, answers[0]["inferred_kbli_confidence"] or 0.0, first.full_title
        )
        return [first, *(s for s in found if s.code != first.code)][:limit]
    heading = answers[0]["inferred_hs_heading"]
    if not heading:
        return found[:limit]
    return sorted(found, key=lambda s: not s.code.startswith(heading))[:limit]
