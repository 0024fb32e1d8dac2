"""A need line's explained shortlist (an HTMX fragment of the need page), the buyer's decisions on it,
and "why not this supplier". Routes parse and render; the sourcing services decide and the policy authorizes.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.db import all_or_nothing
from rantai.kit.errors import UserError
from rantai.kit.text import N_, ascii_digits
from rantai.settings import Settings
from rantai.sourcing import service as sourcing
from rantai.sourcing import shortlists, wording
from rantai.sourcing.errors import NeedInvalid
from rantai.sourcing.models import Need, NeedLine
from rantai.sourcing.state import Decision
from rantai.web.auth import require_viewer
from rantai.web.forms import PostedForm, text_fields
from rantai.web.requestctx import DbSession, Viewer, get_settings_dep
from rantai.web.routes.needs import error_text, is_htmx, may_change, viewer_need
from rantai.web.templating import render

router = APIRouter(prefix="/needs")

MSG_CHOOSE_DECISION = N_("Choose shortlist or dismiss.")
SHOW_MORE = 10  # suppliers added by "show more" (issue #13)


def shown_count(raw: str | None) -> int:
    """How many suppliers the page shows: the ``top`` it asked for, in tens from 10 up to
    `shortlists.MAX_TOP`; anything else is the first ten."""
    text = (raw or "").strip()
    if not ascii_digits(text) or len(text) > 3:
        return shortlists.DEFAULT_TOP
    value = int(text)
    if value < shortlists.DEFAULT_TOP:
        return shortlists.DEFAULT_TOP
    return min(value - value % SHOW_MORE, shortlists.MAX_TOP)


# --- shortlists, decisions, "why not" --------------------------------------------------------------


def _shortlist(
    request: Request,
    db: Session,
    viewer: Viewer,
    settings: Settings,
    need: Need,
    line: NeedLine,
    *,
    error: UserError | None = None,
    top: int = shortlists.DEFAULT_TOP,
) -> Response:
    result = shortlists.shortlist_line(
        db,
        actor=viewer.current_actor,
        data_dir=settings.data_dir,
        line=line,
        top=top,
        newcomer_slots=settings.newcomer_slots,
        with_nibs=False,
        more=True,
    )
    vocabulary = wording.Vocabulary(db, viewer.locale)
    return render(
        request,
        "needs/shortlist.html",
        viewer,
        {
            "need": need,
            "line": line,
            "certs": result.certifications,
            "shortlist": result,
            "top": top,
            "more_top": min(top + SHOW_MORE, shortlists.MAX_TOP),
            "decisions": {sid: d.decision for sid, d in result.decisions.items()},
            "dismissed": [(sid, result.names[sid]) for sid in result.dismissed if sid in result.names],
            "describe": lambda reason: wording.describe(reason, vocabulary),
            "may_decide": may_change(viewer, need),
            "error": error_text(viewer, error),
        },
        # HTMX swaps only successful answers: a fragment carrying an error must come as 200 to be seen.
        status_code=error.status_code if error and not is_htmx(request) else 200,
    )


@router.get("/{need_id:id}/lines/{line_id:id}/shortlist")
def shortlist(
    request: Request,
    need_id: int,
    line_id: int,
    top: str = "",
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    settings: Settings = Depends(get_settings_dep),
) -> Response:
    """A line's shortlist; ``top`` (10, 20, ... 100) shows more of it ("show more", issue #13)."""
    _loaded = shortlists.need_and_line(db, need_id, line_id)  # one query; the checks below find them
    need = viewer_need(db, viewer, need_id)
    line = sourcing.get_line(db, need=need, line_id=line_id)
    return _shortlist(request, db, viewer, settings, need, line, top=shown_count(top))


@router.post("/{need_id:id}/lines/{line_id:id}/decisions")
def decide(
    request: Request,
    need_id: int,
    line_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    settings: Settings = Depends(get_settings_dep),
    posted: FormData = PostedForm,
) -> Response:
    need = viewer_need(db, viewer, need_id)
    line = sourcing.get_line(db, need=need, line_id=line_id)
    values = text_fields(posted)
    top = shown_count(values.get("top"))  # a decision keeps the suppliers shown
    try:
        with all_or_nothing(db):
            raw = values.get("decision", "")
            try:
                decision = Decision(raw) if raw else None
            except ValueError:
                raise NeedInvalid(MSG_CHOOSE_DECISION, field="decision") from None
            raw_supplier = values.get("supplier_id", "").strip()
            sourcing.decide(
                db,
                actor=viewer.actor,
                need=need,
                line=line,
                supplier_id=int(raw_supplier)
                if ascii_digits(raw_supplier) and len(raw_supplier) <= 9
                else 0,  # 0: unknown
                decision=decision,
            )
    except UserError as exc:
        return _shortlist(request, db, viewer, settings, need, line, error=exc, top=top)
    if is_htmx(request):
        return _shortlist(request, db, viewer, settings, need, line, top=top)
    more = f"?top={top}" if top != shortlists.DEFAULT_TOP else ""
    return RedirectResponse(f"/needs/{need_id}/lines/{line_id}/shortlist{more}", status_code=303)


@router.get("/{need_id:id}/lines/{line_id:id}/explain")
def explain(
    request: Request,
    need_id: int,
    line_id: int,
    supplier: str = "",
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    settings: Settings = Depends(get_settings_dep),
) -> Response:
    """Why a supplier named by NIB, id or name is (or is not) on a line's shortlist."""
    need = viewer_need(db, viewer, need_id)
    line = sourcing.get_line(db, need=need, line_id=line_id)
    try:
        profile = sourcing.visible_supplier(
            viewer.actor, shortlists.find_supplier(db, supplier[:200]), field="supplier"
        )
    except NeedInvalid as error:
        return render(
            request,
            "needs/explain.html",
            viewer,
            {"need": need, "line": line, "supplier": supplier, "error": error_text(viewer, error)},
            status_code=200 if is_htmx(request) else error.status_code,
        )
    explanation = shortlists.explain_line(
        db,
        actor=viewer.current_actor,
        data_dir=settings.data_dir,
        line=line,
        supplier_id=profile.id,
        newcomer_slots=settings.newcomer_slots,
    )
    vocabulary = wording.Vocabulary(db, viewer.locale)
    return render(
        request,
        "needs/explain.html",
        viewer,
        {
            "need": need,
            "line": line,
            "supplier": supplier,
            "profile": profile,
            "explanation": explanation,
            "describe": lambda reason: wording.describe(reason, vocabulary),
        },
    )
