"""The notifications' background work, run by ``rantai worker``: delivering the email outbox.

- ``notifications.mail`` (signal): deliver the due emails (``delivery.deliver_pending``), through SMTP
  when ``RANTAI_MAIL_ENABLED``, else into ``RANTAI_DATA_DIR/mail``. Sent after every commit that queued
  an email (``service.queue_email``) and swept every minute, which is also what tries a failed email
  again once its wait is over. Delivering twice at once is safe (each email is held by a
  compare-and-set), so a doubled signal is harmless and a lost one costs at most a minute.
"""

from __future__ import annotations

from rantai import jobs
from rantai.notifications.delivery import deliver_pending, mailer_for
from rantai.notifications.service import MAIL_SIGNAL
from rantai.settings import get_settings


@jobs.signal(MAIL_SIGNAL)
def deliver_mail(context: jobs.Context) -> None:
    settings = get_settings()
    mailer = mailer_for(settings, data_dir=context.data_dir)
    deliver_pending(context.factory, mailer, max_attempts=settings.mail_max_attempts)
