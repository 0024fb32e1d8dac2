"""Sourcing's background work, run by ``rantai worker``.

- ``sourcing.related_words`` (signal, swept every minute): the related words the engine widens needs with
  are learned again from the products and need lines once the table is a day old, or when there is none
  (``related_words.relearn_if_due``; issue #14 item 2). Reading only: the table is a file.
"""

from __future__ import annotations

from rantai import jobs
from rantai.db import transaction
from rantai.sourcing import related_words

RELATED_WORDS_SIGNAL = "sourcing.related_words"


@jobs.signal(RELATED_WORDS_SIGNAL)
def learn_related_words(context: jobs.Context) -> None:
    """Learn the related words again when due (in a transaction that writes nothing)."""
    with transaction(context.factory) as session:
        related_words.relearn_if_due(session, context.data_dir)
