"""Suggest KBLI and HS codes from a product name: the top 3 of each, for the user to confirm.

It reuses the matching engine's Indonesian analyzer and index over the reference titles (KBLI 5-digit
classes with their descriptions, BTKI 8-digit lines with their full descriptions). The indexes are built
in memory once per process and data version: about 13,000 short documents, well under a second.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rantai.matching import Document, SearchIndex
from rantai.reference.models import HsCode, Kbli, KbliLevel, ReferenceDataset

_lock = threading.Lock()
_cache: dict[str, tuple[str, SearchIndex, dict[str, str]]] = {}


@dataclass(frozen=True, slots=True)
class Suggestion:
    code: str
    title: str
    score: float


def _version(session: Session, dataset: str) -> str:
    return session.scalar(select(ReferenceDataset.checksum).where(ReferenceDataset.name == dataset)) or ""


def _index(session: Session, kind: str) -> tuple[SearchIndex, dict[str, str]]:
    dataset = "kbli" if kind == "kbli" else "hs_code"
    version = _version(session, dataset)
    with _lock:
        cached = _cache.get(kind)
        if cached is not None and cached[0] == version:
            return cached[1], cached[2]
        titles: dict[str, str] = {}
        documents: list[Document] = []
        if kind == "kbli":
            for code, title, description in session.execute(
                select(Kbli.code, Kbli.title, Kbli.description).where(Kbli.level == KbliLevel.CLASS.value)
            ):
                titles[code] = title
                documents.append(Document(id=code, name=title, description=description[:600]))
        else:
            for code, full in session.execute(
                select(HsCode.code, HsCode.full_description_id).where(HsCode.level == 8)
            ):
                titles[code] = full
                documents.append(Document(id=code, name=full))
        index = SearchIndex.build(documents)
        _cache[kind] = (version, index, titles)
        return index, titles


def suggest(session: Session, text: str, kind: str, *, limit: int = 3) -> list[Suggestion]:
    """Top ``limit`` KBLI classes (``kind="kbli"``) or HS lines (``kind="hs"``) for a product name."""
    if not text.strip():
        return []
    index, titles = _index(session, kind)
    return [
        Suggestion(hit.id, titles[hit.id], round(hit.score, 3)) for hit in index.search(text, limit=limit)
    ]
