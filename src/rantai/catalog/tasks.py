"""The catalog's background work, run by ``rantai worker``: bulk imports and matching-index updates.

- ``catalog.import`` (durable): one uploaded file imported (``import_jobs.run_job``); three attempts, then
  the import's row says it stopped and nothing was saved.
- ``catalog.index`` (signal): drain the index outbox (``catalog_index_change``) into the shared tantivy
  index. Sent after every commit that queued index changes (``index_changes``), and swept every minute;
  draining is idempotent (a supplier's documents are replaced whole), so a lost or doubled signal is
  harmless. Web processes never write the index; they reload the commits made here.
- ``catalog.classifier`` (signal, swept every minute): the category classifier is retrained once its
  model is a day old (or missing), and products it has not classified yet are classified a batch at a
  time (``inference.retrain_if_due``, ``inference.infer_stale``; issue #14).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from rantai import jobs
from rantai.catalog import import_jobs, inference
from rantai.catalog.index_changes import INDEX_SIGNAL, forget
from rantai.catalog.search_index import DRAIN_BATCH, live_index
from rantai.db import transaction
from rantai.i18n import translate


def _translator(payload: dict[str, Any]) -> import_jobs.Translate:
    locale = str(payload.get("locale") or "id")
    return lambda message, params: translate(locale, message, **params)


def _give_up(session: Session, context: jobs.Context, payload: dict[str, Any]) -> None:
    import_jobs.give_up(session, context.data_dir, int(payload["import_job_id"]), _translator(payload))


@jobs.task(import_jobs.JOB_KIND, max_attempts=3, give_up=_give_up)
def run_import(attempt: jobs.Attempt) -> None:
    import_jobs.run_job(attempt, _translator(attempt.payload))


@jobs.signal(INDEX_SIGNAL)
def drain_index(context: jobs.Context) -> None:
    """Apply queued changes a batch at a time: read and write the index in a reading transaction, then
    delete the applied rows in a short writing one (on SQLite the write lock is not held while tantivy
    commits). Killed between the two, the rows stay and are applied again: same documents."""
    index = live_index(context.data_dir)
    while True:
        with transaction(context.factory) as session:
            applied = index.apply_pending(session)
        if not applied:
            return
        with transaction(context.factory, write=True) as session:
            forget(session, applied)
        if len(applied) < DRAIN_BATCH:
            return


CLASSIFIER_SIGNAL = "catalog.classifier"


@jobs.signal(CLASSIFIER_SIGNAL)
def classify(context: jobs.Context) -> None:
    """Retrain when due (reading in a transaction that writes nothing), then classify one batch of the
    products the model in use has not classified; the sweep brings the next batch a minute later."""
    with transaction(context.factory) as session:
        inference.retrain_if_due(session, context.data_dir)
    with transaction(context.factory, write=True) as session:
        inference.infer_stale(session, context.data_dir)
