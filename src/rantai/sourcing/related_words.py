"""Related words learned from the platform's own texts (issue #14, item 2): learning them from what the
platform holds, keeping the model file, and handing the table in use to the matching engine.

- **Learning** (`train`): the names and descriptions of the active products (the newest `MAX_PRODUCTS`)
  and the need lines' names and specifications (the newest `MAX_LINES`), normalized like any matched
  text, go to `catalog.relatedness.learn_related` (words that keep the same company). Run by
  `rantai related train` and by the worker's signal `sourcing.related_words` (`sourcing/tasks.py`),
  swept every minute, which learns again once the table is older than `RELEARN_AFTER` (or missing).
  It lives in sourcing because need lines are sourcing's; the learning itself is catalog's, plain data.
- **The model file**: `RANTAI_DATA_DIR/models/related-<version>.json` beside the category classifier's,
  the version a digest of the texts learnt from; `models/related.current` names the one in use; older
  files are pruned but for `KEEP_MODELS` (`kit.model_files`, shared with the classifier).
- **Use** (`current`): the shortlist gives the table to the engine (`matching.Matcher(related=...)`),
  loaded once per process and file; asking for it costs a look-up, and a stat of the pointer file at
  most every few seconds, so a table learnt by the worker reaches every process within seconds
  (`kit.model_files.RECHECK_SECONDS`). Without a file the engine widens with the hand-kept synonyms only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from rantai.catalog.models import Product
from rantai.catalog.relatedness import learn_related
from rantai.kit.clock import now
from rantai.kit.model_files import ModelFiles
from rantai.matching import RelatedWords
from rantai.matching.normalize import normalize
from rantai.settings import get_settings
from rantai.sourcing.models import NeedLine

log = logging.getLogger(__name__)

MODELS = "models"
FORMAT = 1  # of the JSON file; a file of another format is not loaded
MAX_PRODUCTS = 300_000  # newest active products learnt from
MAX_LINES = 100_000  # newest need lines learnt from
DESCRIPTION_CHARS = 300  # of a description, as the index reads the start of one
RELEARN_AFTER = dt.timedelta(days=1)
KEEP_MODELS = 3


@dataclass(frozen=True, slots=True)
class Learned:
    """What `train` made: the model file, its version, the texts learnt from and the words related."""

    path: Path
    version: str
    texts: int
    words: int


def models_dir(data_dir: Path | None = None) -> Path:
    return (data_dir or get_settings().data_dir) / MODELS


def platform_texts(session: Session) -> Iterator[list[str]]:
    """The platform's texts as the engine reads them (normalized words): products, then need lines."""
    products = session.execute(
        select(Product.name, Product.description)
        .where(Product.is_active.is_(True))
        .order_by(Product.id.desc())
        .limit(MAX_PRODUCTS)
        .execution_options(yield_per=5000)
    )
    for name, description in products:
        yield normalize(f"{name} {(description or '')[:DESCRIPTION_CHARS]}")
    lines = session.execute(
        select(NeedLine.name, NeedLine.specification)
        .order_by(NeedLine.id.desc())
        .limit(MAX_LINES)
        .execution_options(yield_per=5000)
    )
    for name, specification in lines:
        yield normalize(f"{name} {(specification or '')[:DESCRIPTION_CHARS]}")


def dumps(table: RelatedWords) -> str:
    """The table as the model file holds it."""
    return json.dumps(
        {
            "format": FORMAT,
            "version": table.version,
            "related": {word: [list(pair) for pair in found] for word, found in table.table.items()},
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def loads(text: str) -> RelatedWords | None:
    """A table from a model file's text, or None when the file is of another format."""
    data = json.loads(text)
    if data.get("format") != FORMAT:
        return None
    return RelatedWords.of(
        ((word, other, strength) for word, found in data["related"].items() for other, strength in found),
        version=str(data.get("version", "")),
    )


def read(path: Path) -> RelatedWords | None:
    """The table in the model file at `path`, or None when it is missing, unreadable or of another
    format (the engine then widens with the hand-kept synonyms only)."""
    try:
        return loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, KeyError):
        log.warning("related words file %s unreadable; matching without it", path.name, exc_info=True)
        return None


FILES = ModelFiles("related", ".json", read=read, keep=KEEP_MODELS)


def train(session: Session, data_dir: Path | None = None) -> Learned:
    """Learn the related words of what the platform holds now, write the file and make it the one in use."""
    texts = list(platform_texts(session))
    table = learn_related(texts)
    text = dumps(table)
    path = FILES.publish(
        models_dir(data_dir), table.version, lambda out: out.write_text(text, encoding="utf-8")
    )
    log.info("related words %s learned from %d texts: %d words", path.name, len(texts), len(table))
    return Learned(path, table.version, len(texts), len(table))


def current(data_dir: Path | None = None) -> RelatedWords | None:
    """The table in use, loaded once per process and file; None without one."""
    loaded = FILES.current(models_dir(data_dir))
    return loaded[1] if loaded else None


def learned_at(data_dir: Path | None = None) -> dt.datetime | None:
    """When the table in use was made (its pointer file's time), or None."""
    return FILES.made_at(models_dir(data_dir))


def relearn_if_due(session: Session, data_dir: Path | None = None) -> Learned | None:
    """Learn when there is no table or it is older than `RELEARN_AFTER` (the scheduled job)."""
    if not FILES.due(models_dir(data_dir), RELEARN_AFTER, now()):
        return None
    return train(session, data_dir)
