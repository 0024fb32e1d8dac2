"""Procurement need pages for buyers: the list with the one-sentence entry, the need form, and the need
page with its lifecycle. Each line's shortlist is `shortlists`; the plan-file import is `plans`.

Routes parse and render; the sourcing services decide and the policy authorizes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.db import all_or_nothing
from rantai.identity.policy import Action
from rantai.kit.clock import today
from rantai.kit.errors import UserError
from rantai.kit.money import format_number
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_, ascii_digits
from rantai.reference import repository as ref
from rantai.sourcing import quick, repository
from rantai.sourcing import service as sourcing
from rantai.sourcing import units as unit_order
from rantai.sourcing.errors import MSG_NOT_ALLOWED, NeedChanged, NeedForbidden, NeedInvalid
from rantai.sourcing.inputs import LineForm, NeedForm, parse_need, read_form
from rantai.sourcing.models import Need, NeedLine
from rantai.sourcing.state import EDITABLE, NEED_LIFECYCLE, NeedMove, NeedStatus
from rantai.web.auth import require_action, require_viewer
from rantai.web.forms import PostedForm, posted_version, text_fields
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.templating import render

router = APIRouter(prefix="/needs")

NeedCreator = require_action(Action.CREATE_NEED)
PER_PAGE = 20

SORTS = {"newest": N_("Newest first"), "oldest": N_("Oldest first"), "title": N_("Title (A-Z)")}
UMKM_CHOICES = (
    ("", N_("Automatic: UMKM only up to the reservation ceiling")),
    ("yes", N_("Yes: UMKM and cooperatives only")),
    ("no", N_("No: open to every business")),
)
SIZE_CLASSES = (("mikro", "Mikro"), ("kecil", "Kecil"), ("menengah", "Menengah"))
MOVE_LABELS = {
    NeedMove.PUBLISH: N_("Publish to suppliers"),
    NeedMove.CLOSE: N_("Close"),
    NeedMove.CANCEL: N_("Cancel the need"),
    NeedMove.REOPEN: N_("Reopen as a draft"),
}
MOVE_NOTICES = {
    NeedMove.PUBLISH: N_("Published: suppliers now see it among their opportunities."),
    NeedMove.CLOSE: N_("The need is closed."),
    NeedMove.CANCEL: N_("The need is cancelled."),
    NeedMove.REOPEN: N_("The need is a draft again: change it, then publish it."),
}
MSG_CHOOSE_MOVE = N_("Choose what to do with the need.")


# --- helpers -------------------------------------------------------------------------------------


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _localized(viewer: Viewer, name_id: str, name_en: str) -> str:
    return name_id if viewer.locale == "id" else name_en


def _regions(db: Session, parent: str | None) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in ref.region_children(db, parent)]


def error_text(viewer: Viewer, error: UserError | None) -> str | None:
    return viewer._(error.message, **error.params) if error else None


def viewer_need(db: Session, viewer: Viewer, need_id: int) -> Need:
    return sourcing.get_need(db, actor=viewer.actor, need_id=need_id)


def may_change(viewer: Viewer, need: Need) -> bool:
    return viewer.can(Action.CREATE_NEED, need)


# --- the list and the one-sentence entry ----------------------------------------------------------


def _index(
    request: Request,
    db: Session,
    viewer: Viewer,
    *,
    q: str = "",
    status: str = "",
    sort: str = "newest",
    page: int = 1,
    notice: str | None = None,
    quick_text: str = "",
    error: UserError | None = None,
) -> Response:
    status = status if status in {s.value for s in NeedStatus} else ""
    sort = sort if sort in SORTS else "newest"
    result = sourcing.needs_page(
        db,
        actor=viewer.current_actor,
        organization_id=viewer.current_org.id,
        page=PageRequest(max(1, page), PER_PAGE),
        status=status or None,
        text=q.strip()[:200] or None,
        sort=sort,
    )
    filters = {"q": q, "status": status, "sort": "" if sort == "newest" else sort}
    return render(
        request,
        "needs/index.html",
        viewer,
        {
            "page": result,
            "counts": repository.line_counts(db, [n.id for n in result.items]),
            "values": {**filters, "sort": sort, "text": quick_text},
            "filtered": bool(q.strip() or status),
            "statuses": [(s.value, viewer._(s.label)) for s in NeedStatus],
            "status_labels": {s.value: s.label for s in NeedStatus},
            "sorts": [(key, viewer._(label)) for key, label in SORTS.items()],
            "query_prefix": "/needs?" + urlencode({k: v for k, v in filters.items() if v}) + "&",
            "notice": notice,
            "error": error_text(viewer, error),
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("")
def index(
    request: Request,
    q: str = "",
    status: str = "",
    sort: str = "newest",
    page: int = 1,
    imported: int | None = None,
    db: Session = DbSession,
    viewer: Viewer = NeedCreator,
) -> Response:
    notice = None
    if imported is not None:
        notice = viewer._("Needs created from the plan file, as drafts: %(n)s.", n=imported)
    return _index(request, db, viewer, q=q, status=status, sort=sort, page=page, notice=notice)


@router.post("/quick")
def quick_create(
    request: Request, db: Session = DbSession, viewer: Viewer = NeedCreator, posted: FormData = PostedForm
) -> Response:
    values = text_fields(posted)
    text = values.get("text", "")[:1000]
    try:
        with all_or_nothing(db):
            need, understood = quick.create_quick_need(
                db, actor=viewer.current_actor, organization_id=viewer.current_org.id, text=text
            )
    except UserError as exc:
        return _index(request, db, viewer, quick_text=text, error=exc)
    query = {"quick": "1"}
    if understood.place and not understood.place_found:
        query["place"] = understood.place
    return RedirectResponse(f"/needs/{need.id}?{urlencode(query)}", status_code=303)


# --- the need form ------------------------------------------------------------------------------


def _choices(db: Session, viewer: Viewer) -> dict[str, Any]:
    return {
        "units": unit_order.ordered_units(db, viewer.locale),
        "cert_types": [
            (c.code, _localized(viewer, c.name_id, c.name_en)) for c in ref.list_certification_types(db)
        ],
        "kemitraan": [
            (k.code, _localized(viewer, k.name_id, k.name_en)) for k in ref.list_kemitraan_patterns(db)
        ],
        "provinces": _regions(db, None),
        "size_classes": list(SIZE_CLASSES),
        "procurement_types": [(code, viewer._(label)) for code, label in sourcing.PROCUREMENT_TYPES.items()],
        "umkm_choices": [(value, viewer._(label)) for value, label in UMKM_CHOICES],
    }


def _form_lines(db: Session, form: NeedForm) -> list[dict[str, Any]]:
    """Each line's fields keyed by their form names (``lines-2-budget``), with its kab/kota options."""
    lines = form.lines or [LineForm()]
    shown = []
    for number, line in enumerate(lines, start=1):
        kabkota = line.values.get("delivery_kabkota_code", "")
        province = line.values.get("province_code") or kabkota[:2]
        values = {f"lines-{number}-{key}": value for key, value in line.values.items()}
        values[f"lines-{number}-province_code"] = province
        shown.append(
            {
                "n": number,
                "fields": values,
                "certifications": line.certifications,
                "kabkota": _regions(db, province) if province else [],
            }
        )
    return shown


def _form_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    form: NeedForm,
    *,
    need: Need | None,
    error: UserError | None = None,
    version: int | None = None,
) -> Response:
    return render(
        request,
        "needs/form.html",
        viewer,
        {
            "title": viewer._("New procurement need") if need is None else viewer._("Edit the need"),
            "action": "/needs/new" if need is None else f"/needs/{need.id}/edit",
            "back": "/needs" if need is None else f"/needs/{need.id}",
            "need": need,
            # The version the form was opened on; saving refuses it once someone else saved the need.
            "version": version if version is not None else (need.version if need else None),
            "values": form.values,
            "lines": _form_lines(db, form),
            **_choices(db, viewer),
            "error": error_text(viewer, error),
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


def _read_need_form(posted: FormData) -> tuple[NeedForm, str]:
    """The posted form and what the user asked for: save, add-line, or remove-<n>."""
    pairs = [(k, v) for k, v in posted.multi_items() if isinstance(v, str)]
    then = next((v for k, v in pairs if k == "then"), "") or "save"
    remove = then.removeprefix("remove-")
    form = read_form(pairs, remove=int(remove) if ascii_digits(remove) and len(remove) <= 4 else None)
    if then == "add-line":
        form.lines.append(LineForm())
    return form, then


def _number(value: int | None, locale: str) -> str:
    return "" if value is None else format_number(value, locale)


def _stored_form(db: Session, viewer: Viewer, need: Need) -> NeedForm:
    """A stored need as the form shows it, numbers written the viewer's way."""
    lines = repository.lines_of(db, need.id)
    certs = repository.certifications_of(db, [line.id for line in lines])
    on = today()
    form = NeedForm(
        values={"title": need.title, "reference": need.reference or "", "description": need.description or ""}
    )
    for line in lines:
        # Show "automatic" while the stored flag is what the reservation rule gives for this budget.
        automatic = line.umkm_only == sourcing.reserved_for_umkm(db, line.budget, on)
        form.lines.append(
            LineForm(
                values={
                    "id": str(line.id),
                    "name": line.name,
                    "specification": line.specification or "",
                    "quantity": _number(line.quantity, viewer.locale),
                    "unit_code": line.unit_code or "",
                    "delivery_kabkota_code": line.delivery_kabkota_code or "",
                    "needed_by": line.needed_by.isoformat() if line.needed_by else "",
                    "budget": _number(line.budget, viewer.locale),
                    "umkm_only": "" if automatic else ("yes" if line.umkm_only else "no"),
                    "preferred_size_class": line.preferred_size_class or "",
                    "kemitraan_code": line.kemitraan_code or "",
                    "procurement_type": line.procurement_type or "",
                },
                certifications=list(certs.get(line.id, [])),
            )
        )
    return form


@router.get("/new")
def new(request: Request, db: Session = DbSession, viewer: Viewer = NeedCreator) -> Response:
    return _form_page(request, db, viewer, NeedForm(), need=None)


@router.post("/new")
def create(
    request: Request, db: Session = DbSession, viewer: Viewer = NeedCreator, posted: FormData = PostedForm
) -> Response:
    form, then = _read_need_form(posted)
    if then != "save":
        return _form_page(request, db, viewer, form, need=None)
    try:
        with all_or_nothing(db):
            need = sourcing.create_need(
                db, actor=viewer.current_actor, organization_id=viewer.current_org.id, data=parse_need(form)
            )
    except UserError as exc:
        return _form_page(request, db, viewer, form, need=None, error=exc)
    return RedirectResponse(f"/needs/{need.id}", status_code=303)


def _editable(viewer: Viewer, need: Need) -> bool:
    return may_change(viewer, need) and NeedStatus(need.status) in EDITABLE


@router.get("/{need_id:id}/edit")
def edit(
    request: Request, need_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    need = viewer_need(db, viewer, need_id)
    if not may_change(viewer, need):
        raise NeedForbidden(MSG_NOT_ALLOWED)
    if not _editable(viewer, need):
        return RedirectResponse(f"/needs/{need.id}", status_code=303)
    return _form_page(request, db, viewer, _stored_form(db, viewer, need), need=need)


@router.post("/{need_id:id}/edit")
def update(
    request: Request,
    need_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    need = viewer_need(db, viewer, need_id)
    form, then = _read_need_form(posted)
    version = posted_version(posted)
    if then != "save":
        return _form_page(request, db, viewer, form, need=need, version=version)
    try:
        with all_or_nothing(db):
            sourcing.update_need(
                db,
                actor=viewer.current_actor,
                need=need,
                data=parse_need(form),
                expected_version=version,
            )
    except UserError as exc:
        # After a conflict the form keeps the user's input and now carries the current version, so saving
        # again is a deliberate choice made after seeing the message.
        kept = None if isinstance(exc, NeedChanged) else version
        return _form_page(request, db, viewer, form, need=need, error=exc, version=kept)
    return RedirectResponse(f"/needs/{need_id}", status_code=303)


@router.get("/kabkota-options")
def kabkota_options(
    request: Request, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    """The kab/kota of the province chosen in a line (its select is named ``lines-<n>-province_code``)."""
    province = next((v for k, v in request.query_params.multi_items() if k.endswith("province_code")), "")
    options = _regions(db, province) if ascii_digits(province) and len(province) <= 2 else []
    return render(request, "suppliers/_region_options.html", viewer, {"options": options})


# --- the need page and its lifecycle --------------------------------------------------------------


def _line_facts(db: Session, viewer: Viewer, lines: list[NeedLine]) -> dict[str, Any]:
    """Names for the codes the lines use, in the viewer's language."""
    units = {u.code: _localized(viewer, u.name_id, u.name_en) for u in ref.list_units(db)}
    certs = {c.code: _localized(viewer, c.name_id, c.name_en) for c in ref.list_certification_types(db)}
    kemitraan = {k.code: _localized(viewer, k.name_id, k.name_en) for k in ref.list_kemitraan_patterns(db)}
    codes = {line.delivery_kabkota_code for line in lines if line.delivery_kabkota_code}
    regions = {code: r.name for code in codes if (r := ref.get_region(db, code)) is not None}
    return {"unit_names": units, "cert_names": certs, "kemitraan_names": kemitraan, "regions": regions}


def _detail(
    request: Request,
    db: Session,
    viewer: Viewer,
    need: Need,
    *,
    notice: str | None = None,
    error: UserError | None = None,
) -> Response:
    lines = list(repository.lines_of(db, need.id))
    status = NeedStatus(need.status)
    changeable = may_change(viewer, need)
    return render(
        request,
        "needs/detail.html",
        viewer,
        {
            "need": need,
            "status_label": status.label,
            "lines": lines,
            "line_certs": repository.certifications_of(db, [line.id for line in lines]),
            **_line_facts(db, viewer, lines),
            "moves": [
                (move.value, MOVE_LABELS[move])
                for move in NeedMove
                if changeable and NEED_LIFECYCLE.target(status, move) is not None
            ],
            "editable": changeable and status in EDITABLE,
            "notice": notice,
            "error": error_text(viewer, error),
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/{need_id:id}")
def detail(
    request: Request,
    need_id: int,
    quick: str = "",
    place: str = "",
    moved: str = "",
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    need = viewer_need(db, viewer, need_id)
    notices = []
    if quick:
        notices.append(viewer._("We filled in the line from your sentence. Check it, then publish the need."))
    if place:
        notices.append(
            viewer._(
                "'%(place)s' is not a kab/kota Rantai knows; choose the delivery place in the form.",
                place=place[:100],
            )
        )
    if moved in {m.value for m in NeedMove}:
        notices.append(viewer._(MOVE_NOTICES[NeedMove(moved)]))
    return _detail(request, db, viewer, need, notice=" ".join(notices) or None)


def _confirm_cancel(request: Request, viewer: Viewer, need: Need) -> Response:
    return render(request, "needs/confirm_cancel.html", viewer, {"need": need})


@router.get("/{need_id:id}/cancel")
def cancel_confirmation(
    request: Request, need_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    need = viewer_need(db, viewer, need_id)
    if not may_change(viewer, need):
        raise NeedForbidden(MSG_NOT_ALLOWED)
    return _confirm_cancel(request, viewer, need)


@router.post("/{need_id:id}/move")
def move(
    request: Request,
    need_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    need = viewer_need(db, viewer, need_id)
    values = text_fields(posted)
    try:
        chosen = NeedMove(values.get("move", ""))
    except ValueError:
        raise NeedInvalid(MSG_CHOOSE_MOVE, field="move") from None
    # Cancelling cannot be taken back in one step (a reopened need is a draft again): ask first.
    if chosen is NeedMove.CANCEL and values.get("confirm") != "yes":
        if not may_change(viewer, need):
            raise NeedForbidden(MSG_NOT_ALLOWED)
        return _confirm_cancel(request, viewer, need)
    try:
        with all_or_nothing(db):
            sourcing.move_need(
                db, actor=viewer.actor, need=need, move=chosen, expected_version=posted_version(posted)
            )
    except UserError as exc:
        return _detail(request, db, viewer, need, error=exc)
    return RedirectResponse(f"/needs/{need_id}?moved={chosen.value}", status_code=303)
