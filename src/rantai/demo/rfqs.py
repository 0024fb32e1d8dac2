"""RFQs for ``rantai demo``: the demo buyer's RFQs in every state, for the demo buyer and suppliers (issue #11).

The demo buyer login (``pembeli@demo.rantai.id``) gets, from its own demo needs (food lines first, so the
demo UMKM login, a keripik maker, fits them):

- an **open** RFQ: deadline a few days ahead, the UMKM login and four registry suppliers invited, two
  quotes in (sealed: the buyer sees the count only), a clarification question answered, and one
  amendment made after the first quote, so that quote is "to confirm". The UMKM login has not quoted:
  its invitation waits for a quote;
- a **past deadline** RFQ (evaluation): four quotes, the UMKM login's among them, closed by the scheduler's
  ``close_due``; the buyer may compare;
- an **awarded** RFQ (the largest of these needs): three quotes, closed likewise, split by quantity between
  the UMKM login and a competitor, and approved by the demo approver (``approver@demo.rantai.id``): the
  demo buyer's approval threshold is set low enough for that (``THRESHOLDS``); the third bidder lost.
  Awarded weeks ago (``AWARDED_BY``): ``demo/orders.py`` turns it into purchase orders since delivered,
  invoiced and paid in part, and makes other buyers' awarded RFQs the same way (``awarded_for_demo``);
- a **cancelled** RFQ with its reason (one quote had arrived; it stays sealed).

Every state is reached through the real services (``rantai.sourcing.rfq.service`` and ``quotes``), with the
clock moved forward (``rantai.kit.clock.travel``) to pass a deadline. The clock only moves forward, and a
deadline is at least ``MIN_DEADLINE_MINUTES`` after the moment an RFQ is made, so an RFQ made while
``rantai demo`` runs could only be past its deadline in real time some minutes later. So, once its
lifecycle moves are made, ``backdate_for_demo`` moves the past and awarded RFQs' own moments (made, sent,
deadline, closed, awarded, their quotes, questions, amendments, invitations, awards) back by days: demo data only, never used by
the platform. The audit log and the notices keep the moments they were written at (the audit chain is
append-only and hashed): they tell when the demo was loaded.

The three registry suppliers that quote or ask get an owner account (``pemasok1@demo.rantai.id`` ..., the demo
password) so their quotes have an author, and so one can log in as a competitor. Deterministic for a seed
(which needs, suppliers, prices); idempotent: a second load adds nothing once the demo buyer has an RFQ.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from rantai.catalog.models import Product
from rantai.demo.needs import load_need_lines
from rantai.demo.procurement import DEMO_SOURCE
from rantai.demo.registry import DEMO_NIB_PREFIX, demo_data
from rantai.demo.seed import DEMO_LOGINS, DEMO_PASSWORD
from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.identity.models import Organization
from rantai.identity.policy import Actor
from rantai.identity.roles import OrgType, Role
from rantai.kit import clock
from rantai.sourcing.models import Need, NeedLine
from rantai.sourcing.rfq import awards, quotes, service
from rantai.sourcing.rfq import repository as rfq_repository
from rantai.sourcing.rfq.awards import AwardPart
from rantai.sourcing.rfq.models import (
    Award,
    Quote,
    QuoteAttachment,
    Rfq,
    RfqAmendment,
    RfqInvitation,
    RfqQuestion,
)
from rantai.sourcing.rfq.quotes import QuoteData, QuoteLineData
from rantai.sourcing.rfq.service import AmendmentData, RfqData
from rantai.sourcing.rfq.state import AwardStatus
from rantai.suppliers.models import SupplierProfile

DAY = dt.timedelta(days=1)
OPEN_FOR = 4 * DAY  # the open RFQ's deadline, from the load
PAST_BY = 2 * DAY  # how long ago the past RFQ's deadline was, once backdated
# And the awarded RFQ's: weeks, so that its orders (demo/orders.py) have been delivered, invoiced and
# paid in part since.
AWARDED_BY = 40 * DAY
AWARD_SHARE = 0.6  # of the awarded line's quantity, to the demo UMKM login; the rest to a competitor
# The demo buyer's approval threshold: the largest of these (whole Rupiah) at most half the awarded
# line's HPS, so that its award waits for the approver.
THRESHOLDS = tuple(juta * 1_000_000 for juta in (500, 250, 100, 50, 25, 10, 5, 2, 1))
# The past RFQ's deadline when made: the earliest the service allows, and a minute to spare.
SOON = dt.timedelta(minutes=service.MIN_DEADLINE_MINUTES + 1)
SUPPLIER_EMAIL = "pemasok{n}@demo.rantai.id"
_UMKM_CLASSES = ("mikro", "kecil", "menengah")
_FAVOURED_KBLI = "10794"  # keripik and kerupuk: what the demo UMKM login makes

QUESTION = "Apakah harga sudah termasuk ongkos kirim sampai gudang pembeli?"
ANSWER = (
    "Ya. Harga satuan sudah termasuk ongkos kirim sampai gudang kami di alamat pengiriman baris; "
    "bongkar muat oleh tim gudang kami."
)
AMENDMENT = "Kemasan: mohon cantumkan tanggal kedaluwarsa dan nomor izin edar pada setiap kemasan."
AMENDED_SPEC = "Setiap kemasan mencantumkan tanggal kedaluwarsa dan nomor izin edar (P-IRT, BPOM atau halal)."
CANCEL_REASON = (
    "Anggaran baris ini dialihkan ke kebutuhan mendesak lain; kebutuhan akan diumumkan ulang triwulan depan."
)


@dataclass
class RfqReport:
    open: list[int] = field(default_factory=list)
    past_deadline: list[int] = field(default_factory=list)
    awarded: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    waiting_approval: list[int] = field(default_factory=list)  # awarded, the award waiting for the approver
    quotes: int = 0

    def summary(self) -> str:
        return (
            f"Demo RFQs: {len(self.open)} open, {len(self.past_deadline)} past the deadline, "
            f"{len(self.awarded)} awarded, {len(self.cancelled)} cancelled, "
            f"{len(self.waiting_approval)} awarded and waiting for approval; {self.quotes} quotes"
        )


@dataclass(frozen=True, slots=True)
class Bidder:
    profile_id: int
    actor: Actor


def login_of(session: Session, org_type: OrgType, role: Role) -> tuple[Organization, Actor] | None:
    """The organization and actor of the demo login of this type with this role."""
    login = next((d for d in DEMO_LOGINS if d.org_type is org_type and role in d.roles), None)
    if login is None:
        return None
    org = identity_repo.organization_by_name(session, login.organization)
    user = identity_repo.user_by_email(session, login.email)
    if org is None or user is None:
        return None
    return org, identity.actor_for(session, user, only_organization_id=org.id)


def demo_rfq_count(session: Session, organization_id: int) -> int:
    return (
        session.scalar(select(func.count()).select_from(Rfq).where(Rfq.organization_id == organization_id))
        or 0
    )


def pick_needs(
    session: Session, organization_id: int, rng: random.Random, count: int, *, most: int | None = None
) -> list[Need]:
    """``count`` of the buyer's open demo needs whose line can be split (and whose budget is at most
    ``most`` when given), food first (the demo UMKM makes keripik; the demo buyer's plan lines rarely
    are, but snack boxes and catering often)."""
    budget = NeedLine.budget > 0 if most is None else NeedLine.budget.between(1, most)
    kinds = {line.kd_rup: line.kind for line in load_need_lines()}
    kbli = {kind.kind: kind.kbli_code for kind in demo_data().kinds.values()}
    category = {kind.kind: kind.category_code for kind in demo_data().kinds.values()}
    needs = list(
        session.scalars(
            select(Need)
            .where(
                Need.organization_id == organization_id,
                Need.source == DEMO_SOURCE,
                Need.status == "open",
                exists().where(NeedLine.need_id == Need.id, NeedLine.quantity >= 10, budget),
            )
            .order_by(Need.id)
        )
    )

    def rank(need: Need) -> int:
        kind = kinds.get(need.reference or "")
        if kind is None:
            return 3
        if kbli.get(kind) == _FAVOURED_KBLI:
            return 0
        if category.get(kind) == "pangan.olahan":
            return 1
        return 2 if category.get(kind, "").startswith("pangan.") else 3  # snack boxes, catering, drinks

    rng.shuffle(needs)
    return sorted(needs, key=rank)[:count]  # a stable sort: the shuffle decides within a rank


def _registry_suppliers(
    session: Session, rng: random.Random, count: int, *, besides: int
) -> list[SupplierProfile]:
    """``count`` verified UMKM of the demo registry, those making keripik or kerupuk first, never the
    profile ``besides`` (the UMKM login's own business: it bids beside them, not against itself)."""
    makers = (
        exists()
        .where(Product.supplier_id == SupplierProfile.id, Product.kbli_code == _FAVOURED_KBLI)
        .correlate(SupplierProfile)
    )
    found: list[SupplierProfile] = []
    for condition in (makers, ~makers):
        rows = list(
            session.scalars(
                select(SupplierProfile)
                .where(
                    SupplierProfile.nib.startswith(DEMO_NIB_PREFIX),
                    SupplierProfile.status == "verified",
                    SupplierProfile.size_class.in_(_UMKM_CLASSES),
                    SupplierProfile.erased_at.is_(None),
                    SupplierProfile.id != besides,
                    condition,
                )
                .order_by(SupplierProfile.id)
            )
        )
        found.extend(rng.sample(rows, min(len(rows), count - len(found))))
        if len(found) >= count:
            break
    return found


def _owner(session: Session, profile: SupplierProfile, number: int) -> Bidder:
    """An owner account for a registry supplier (the registry's suppliers have none), so it can quote."""
    email = SUPPLIER_EMAIL.format(n=number)
    org = identity_repo.organization_by_id(session, profile.organization_id)
    user = identity_repo.user_by_email(session, email)
    if user is None:
        user = identity.create_user(
            session, email=email, full_name=f"Pemilik {profile.business_name}", password=DEMO_PASSWORD
        )
    if org is not None and not identity_repo.membership_exists(
        session, user_id=user.id, organization_id=org.id, role=Role.OWNER.value
    ):
        identity.add_membership(session, user=user, organization=org, role=Role.OWNER)
    return Bidder(profile.id, identity.actor_for(session, user, only_organization_id=profile.organization_id))


def _quote(session: Session, rng: random.Random, rfq: Rfq, bidder: Bidder, *, share: float = 1.0) -> Quote:
    """``bidder`` quotes every line: a unit price near the line's HPS, ``share`` of its quantity."""
    lines = []
    for line in rfq_repository.lines_of(session, rfq.id):
        unit_hps = (line.hps or 0) // line.quantity or 10_000
        price = unit_hps * rng.uniform(0.82, 1.03)
        step = 100 if price >= 1_000 else 1
        lines.append(
            QuoteLineData(
                rfq_line_id=line.id,
                unit_price=max(step, round(price / step) * step),
                quantity=max(1, int(line.quantity * share)),
                lead_time_days=rng.randint(5, 21),
            )
        )
    valid_until = (max(clock.now(), rfq.deadline) + 45 * DAY).date()
    return quotes.submit(
        session, actor=bidder.actor, rfq=rfq, data=QuoteData(lines=lines, valid_until=valid_until)
    )


def _make(session: Session, buyer: Actor, need: Need, deadline: dt.datetime, invited: Sequence[int]) -> Rfq:
    rfq = service.create_rfq(
        session,
        actor=buyer,
        need=need,
        data=RfqData(
            title=need.title,
            description=need.description,
            deadline=deadline,
            lines=service.lines_from_need(session, need),
            supplier_ids=list(invited),
        ),
    )
    return service.send(session, actor=buyer, rfq=rfq)


def _budget(session: Session, need: Need) -> int:
    return sum(line.hps or 0 for line in service.lines_from_need(session, need))


# A quote is at least 0.82 of the HPS (``_quote``), so a need worth this much more than the approval
# threshold gets an award above it.
_ABOVE_THRESHOLD = 1.3


def _quoted_above_threshold(
    session: Session,
    rng: random.Random,
    officer: Actor,
    organization_id: int,
    taken: set[int],
    bidders: Sequence[Bidder],
    deadline: dt.datetime,
) -> Rfq | None:
    """An RFQ on a need worth more than the buyer's approval threshold, quoted by ``bidders``."""
    threshold = service.buyer_settings(session, organization_id).approval_above
    need = _need_above(session, organization_id, threshold, taken)
    if need is None:
        return None
    rfq = _make(session, officer, need, deadline, [bidder.profile_id for bidder in bidders])
    for bidder in bidders:
        _quote(session, rng, rfq, bidder)
    return rfq


def _need_above(session: Session, organization_id: int, threshold: int, taken: set[int]) -> Need | None:
    """The buyer's first open demo need (not ``taken``) whose one line is worth enough that an award on
    it waits for the approver."""
    return session.scalar(
        select(Need)
        .where(
            Need.organization_id == organization_id,
            Need.source == DEMO_SOURCE,
            Need.status == "open",
            Need.id.not_in(sorted(taken)),
            exists().where(
                NeedLine.need_id == Need.id,
                NeedLine.quantity >= 10,
                NeedLine.budget > int(threshold * _ABOVE_THRESHOLD),
            ),
        )
        .order_by(Need.id)
        .limit(1)
    )


def _approval_threshold(session: Session, approver: Actor, organization_id: int, budget: int) -> None:
    """The demo buyer's approval threshold, low enough that the awarded RFQ's award waits for approval."""
    above = next((t for t in THRESHOLDS if t <= budget // 2), 0)
    terms = service.buyer_settings(session, organization_id).payment_terms_days
    service.change_buyer_settings(
        session,
        actor=approver,
        organization_id=organization_id,
        approval_above=above,
        payment_terms_days=terms,
    )


def _split_award(
    session: Session, officer: Actor, approver: Actor | None, rfq: Rfq, winners: Sequence[Bidder]
) -> Award:
    """The officer awards every line to one winner, or splits it between two (``AWARD_SHARE`` to the
    first); the approver approves when the award waits for it, which closes the lines and moves the RFQ
    to awarded."""
    parts = []
    for line in rfq_repository.lines_of(session, rfq.id):
        if len(winners) == 1:
            parts.append(AwardPart(line.id, winners[0].profile_id, line.quantity))
            continue
        first = min(line.quantity - 1, max(1, round(line.quantity * AWARD_SHARE)))
        parts.append(AwardPart(line.id, winners[0].profile_id, first))
        parts.append(AwardPart(line.id, winners[1].profile_id, line.quantity - first))
    award = awards.make_award(session, actor=officer, rfq=rfq, parts=parts)
    if award.status == AwardStatus.PENDING_APPROVAL and approver is not None:
        awards.approve(session, actor=approver, award=award)
    return award


# Every moment an RFQ's own rows hold, by model, and how each row is found from the RFQ's id.
_DATED = (
    (Rfq, Rfq.id),
    (RfqInvitation, RfqInvitation.rfq_id),
    (RfqAmendment, RfqAmendment.rfq_id),
    (RfqQuestion, RfqQuestion.rfq_id),
    (Quote, Quote.rfq_id),
    (Award, Award.rfq_id),
)


def backdate_for_demo(session: Session, rfq: Rfq, delta: dt.timedelta) -> None:
    """Move every moment of the RFQ's own rows ``delta`` back (demo data only; see the module docstring).

    Called once its lifecycle moves were made through the services: what changes is when they seem to
    have happened, never what happened. Not audited: the audit log keeps when they really happened.
    """
    session.flush()
    for model, key in _DATED:
        names = [attr.key for attr in model.__mapper__.column_attrs]
        for row in session.scalars(select(model).where(key == rfq.id)):
            for name in names:
                value = getattr(row, name)
                if isinstance(value, dt.datetime):  # moments only: a quote's validity date stays
                    setattr(row, name, value - delta)
    quote_ids = select(Quote.id).where(Quote.rfq_id == rfq.id)
    for attachment in session.scalars(select(QuoteAttachment).where(QuoteAttachment.quote_id.in_(quote_ids))):
        attachment.added_at -= delta
    session.flush()


@dataclass(frozen=True, slots=True)
class AwardPlan:
    """An RFQ to take from a need to an approved award, for demo orders (``awarded_for_demo``)."""

    officer: Actor
    need: Need
    bidders: tuple[Bidder, ...]  # invited, and each quotes
    winners: tuple[Bidder, ...]  # one takes every line, two split them (``AWARD_SHARE`` to the first)
    ago: dt.timedelta  # how long before the load the award was made, once backdated
    approver: Actor | None = None  # for an award above the buyer's approval threshold


def awarded_for_demo(session: Session, rng: random.Random, plans: Sequence[AwardPlan]) -> list[Award]:
    """One awarded RFQ per plan, as the awarded demo RFQ is made: sent, quoted, closed by the scheduler's
    sweep once the clock passed the deadlines, awarded (and approved when it has to be), then backdated
    (``backdate_for_demo``) so that its award was made ``ago`` before now."""
    moment = clock.now()
    made = [
        _make(session, plan.officer, plan.need, moment + SOON, [b.profile_id for b in plan.bidders])
        for plan in plans
    ]
    for rfq, plan in zip(made, plans, strict=True):
        for bidder in plan.bidders:
            _quote(session, rng, rfq, bidder)
    if not made:
        return []
    given: list[Award] = []
    with clock.travel(max(rfq.deadline for rfq in made) - moment + dt.timedelta(minutes=1)):
        service.close_due(session)
        for rfq, plan in zip(made, plans, strict=True):
            session.refresh(rfq)
            given.append(_split_award(session, plan.officer, plan.approver, rfq, plan.winners))
    for rfq, plan in zip(made, plans, strict=True):
        session.refresh(rfq)
        backdate_for_demo(session, rfq, plan.ago + (rfq.deadline - moment))
    return given


def load_demo_rfqs(session: Session, *, seed: int = 2026) -> RfqReport:
    """Give the demo buyer RFQs in every state, with the demo suppliers' quotes (once; see the module)."""
    report = RfqReport()
    buyer = login_of(session, OrgType.BUMN, Role.PROCUREMENT_OFFICER)
    umkm = login_of(session, OrgType.UMKM, Role.OWNER)
    if buyer is None or umkm is None or demo_rfq_count(session, buyer[0].id):
        return report
    buyer_org, officer = buyer
    umkm_profile = session.scalar(
        select(SupplierProfile).where(SupplierProfile.organization_id == umkm[0].id)
    )
    if umkm_profile is None:
        return report
    me = Bidder(umkm_profile.id, umkm[1])
    rng = random.Random(seed)  # noqa: S311 - the demo must be reproducible; nothing here is secret
    needs = pick_needs(session, buyer_org.id, rng, 4)
    profiles = _registry_suppliers(session, rng, 5, besides=umkm_profile.id)
    approver = login_of(session, OrgType.BUMN, Role.APPROVER)
    if len(needs) < 4 or len(profiles) < 5 or approver is None:
        return report
    # The largest of the four is awarded; the others keep their order (the demo UMKM's kinds first).
    big = max(needs, key=lambda need: _budget(session, need))
    needs.remove(big)
    _approval_threshold(session, approver[1], buyer_org.id, _budget(session, big))
    # Three competitors quote or ask (each with an owner account: hashing a password takes half a
    # second, so no more); two more are invited and stay silent.
    a, b, c = (_owner(session, profile, number) for number, profile in enumerate(profiles[:3], start=1))
    silent = [profile.id for profile in profiles[3:]]
    moment = clock.now()

    # Past the deadline: four quotes (the UMKM login's among them), closed by the scheduler's sweep.
    # Awarded: three quotes, closed likewise, split between the UMKM login and a competitor, approved.
    four = [me.profile_id, a.profile_id, b.profile_id, c.profile_id]
    past = _make(session, officer, needs[1], moment + SOON, four)
    won = _make(session, officer, big, moment + SOON, four)
    for bidder in (me, a, b, c):
        _quote(session, rng, past, bidder)
    for bidder in (me, a, b):
        _quote(session, rng, won, bidder)
    # Waiting for approval (issue #13: the demo approver's home had nothing to decide): a need worth more
    # than the approval threshold, quoted by the UMKM login and a competitor, awarded whole to the UMKM
    # login; the approver has not decided yet.
    waiting = _quoted_above_threshold(
        session, rng, officer, buyer_org.id, {big.id, *(need.id for need in needs)}, (me, a), moment + SOON
    )
    with clock.travel(max(past.deadline, won.deadline) - moment + dt.timedelta(minutes=1)):
        service.close_due(session)
        session.refresh(won)
        _split_award(session, officer, approver[1], won, (me, a))
        for rfq in [waiting] if waiting else []:  # awarded whole to the UMKM login; nobody approves it
            session.refresh(rfq)
            _split_award(session, officer, None, rfq, (me,))
    for rfq, ago in [(past, PAST_BY), (won, AWARDED_BY), *([(waiting, PAST_BY)] if waiting else [])]:
        session.refresh(rfq)
        backdate_for_demo(session, rfq, ago + (rfq.deadline - moment))
    report.past_deadline, report.awarded = [past.id], [won.id]
    report.waiting_approval.extend([waiting.id] if waiting else [])

    # Open: invited, two quotes in, a question answered, an amendment after the first quote.
    invited = [me.profile_id, a.profile_id, b.profile_id, c.profile_id, silent[0]]
    rfq = _make(session, officer, needs[0], moment + OPEN_FOR, invited)
    _quote(session, rng, rfq, a)
    question = service.ask(session, actor=b.actor, rfq=rfq, question=QUESTION)
    service.answer(session, actor=officer, rfq=rfq, question_id=question.id, text=ANSWER)
    line = rfq_repository.lines_of(session, rfq.id)[0]
    service.amend(
        session,
        actor=officer,
        rfq=rfq,
        data=AmendmentData(reason=AMENDMENT, specifications={line.id: AMENDED_SPEC}),
    )
    _quote(session, rng, rfq, c, share=0.6)  # after the amendment: not to confirm
    report.open.append(rfq.id)

    # Cancelled before its deadline, with a reason; the one quote that came stays sealed.
    gone = _make(session, officer, needs[2], moment + 6 * DAY, [me.profile_id, a.profile_id, *silent])
    _quote(session, rng, gone, a)
    service.cancel(session, actor=officer, rfq=gone, reason=CANCEL_REASON)
    report.cancelled.append(gone.id)

    report.quotes = (
        session.scalar(
            select(func.count())
            .select_from(Quote)
            .join(Rfq, Rfq.id == Quote.rfq_id)
            .where(Rfq.organization_id == buyer_org.id)
        )
        or 0
    )
    return report
