"""``rantai mail``: read the email outbox and deliver what is queued."""

from __future__ import annotations

import typer

from rantai.cli.common import settings, unit_of_work
from rantai.db import make_engine, make_session_factory
from rantai.kit.pagination import PageRequest
from rantai.notifications import repository
from rantai.notifications.delivery import deliver_pending, mailer_for
from rantai.notifications.models import EmailStatus

app = typer.Typer(help="The email outbox.", no_args_is_help=True)


@app.command("list")
def list_mail(
    status: EmailStatus | None = typer.Option(None, help="Only emails with this status."),
    limit: int = typer.Option(20, min=1, max=1000, help="How many, newest first."),
    body: bool = typer.Option(False, "--body", help="Print each email's text too."),
) -> None:
    """The newest emails of the outbox: id, status, attempts, address, subject (and why it failed)."""
    with unit_of_work(write=False) as session:
        found = repository.outbox_page(
            session, PageRequest(page=1, per_page=limit), status=status.value if status else None
        )
        typer.echo(f"{found.total} emails" + (f" {status.value}" if status else "") + " in the outbox.")
        for email in found.items:
            typer.echo(
                f"#{email.id} {email.status} attempts={email.attempts} "
                f"{email.created_at:%Y-%m-%d %H:%M} UTC to={email.to_address} subject={email.subject!r}"
            )
            if email.last_error:
                typer.echo(f"    last error: {email.last_error}")
            if body:
                typer.echo(
                    "    "
                    + email.body.replace("\n", "\n    ")
                    + (f"\n    {email.link}" if email.link else "")
                )


@app.command("send")
def send(limit: int = typer.Option(200, min=1, help="At most this many emails in this run.")) -> None:
    """Deliver the queued emails that are due: through SMTP when RANTAI_MAIL_ENABLED, else written to
    RANTAI_DATA_DIR/mail."""
    conf = settings()
    engine = make_engine(conf.database_url)
    try:
        report = deliver_pending(
            make_session_factory(engine), mailer_for(conf), max_attempts=conf.mail_max_attempts, limit=limit
        )
    finally:
        engine.dispose()
    where = "sent" if conf.mail_enabled else f"written to {conf.data_dir / 'mail'}"
    typer.echo(
        f"{len(report.delivered)} {where}; {len(report.retrying)} to be retried; {len(report.failed)} failed."
    )
