"""The one place where Rantai reads its configuration (environment variables prefixed ``RANTAI_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting Rantai reads. Each field is documented; ``docs/operations.md`` lists them all
    (a test keeps that list complete)."""

    model_config = SettingsConfigDict(env_prefix="RANTAI_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./var/rantai.db",
        description=(
            "SQLAlchemy URL of the database. The default is an embedded SQLite file under ./var/; "
            "use postgresql+psycopg://user@host/db for PostgreSQL."
        ),
    )
    default_locale: Literal["id", "en"] = Field(
        default="id", description="Language shown when the user has not chosen one (Bahasa Indonesia)."
    )
    session_max_age_seconds: int = Field(
        default=8 * 3600,
        ge=60,
        description="How long a login session lasts without activity before the user must log in again.",
    )
    cookie_secure: Literal["auto", "always", "never"] = Field(
        default="auto",
        description=(
            "Secure flag on cookies: 'auto' sets it when the request arrived over https "
            "(also behind a proxy that sends X-Forwarded-Proto), 'always' or 'never' force it."
        ),
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        description=(
            "Failed logins with one email from one client address after which that email is locked at "
            "that address (elsewhere its owner can still log in)."
        ),
    )
    login_lockout_seconds: int = Field(
        default=15 * 60,
        ge=1,
        description=(
            "How long a login lock lasts; failures older than this since the last one are forgotten."
        ),
    )
    login_address_max_failures: int = Field(
        default=50,
        ge=1,
        description=(
            "Failed logins from one client address, whatever the emails, after which that address is "
            "locked (an IPv6 address counts by its /64 network)."
        ),
    )
    login_email_max_failures: int = Field(
        default=100,
        ge=1,
        description=(
            "Failed logins with one email from all addresses together after which that email is locked, "
            "except at addresses where it logged in successfully in the last 90 days."
        ),
    )
    trusted_proxy_count: int = Field(
        default=0,
        ge=0,
        le=10,
        description=(
            "Reverse proxies in front of Rantai that append the client address to X-Forwarded-For. 0: "
            "the client address is the connection's peer and the header is ignored; N: the address N "
            "places from the right of the header (the one the outermost trusted proxy saw)."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address `rantai serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `rantai serve` listens on.")
    workers: int = Field(default=1, ge=1, description="Number of web worker processes for `rantai serve`.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Minimum level of log records written to standard error."
    )
    data_dir: Path = Field(
        default=Path("./var"),
        description="Directory for local state: uploaded import files, their error reports and job progress.",
    )
    jobs_url: str = Field(
        default="",
        description=(
            "Where background jobs are queued: empty for an embedded SQLite file under RANTAI_DATA_DIR "
            "(one machine, no server), or redis://host:6379/0 for Redis (several machines)."
        ),
    )
    jobs_workers: int = Field(
        default=4, ge=1, le=64, description="Threads of `rantai worker` running jobs at the same time."
    )
    jobs_lease_seconds: int = Field(
        default=60,
        ge=2,
        description=(
            "How long a running job's worker holds it without renewing (it renews every third of it); a "
            "job whose worker died is run again once this has passed."
        ),
    )
    max_upload_mb: int = Field(default=50, ge=1, description="Largest import file accepted, in megabytes.")
    import_max_unpacked_mb: int = Field(
        default=200,
        ge=1,
        description=(
            "Most an uploaded Excel workbook may unpack to, in megabytes (an .xlsx is a zip archive; a small "
            "file can hide gigabytes). Its shared text may take half of it. Larger workbooks are refused "
            "with advice to split them or save them as CSV."
        ),
    )
    import_max_cells: int = Field(
        default=5_000_000,
        ge=1,
        description="Most cells read from the first sheet of an imported Excel workbook (empty rows count as one).",
    )
    page_size_default: int = Field(default=25, ge=1, le=200, description="Items per page when none is asked.")
    newcomer_slots: int = Field(
        default=2,
        ge=0,
        le=10,
        description=(
            "Places per 10 of every shortlist kept for qualified suppliers that have never won an award "
            "(newcomers); 0 turns the rule off."
        ),
    )
    page_size_max: int = Field(default=100, ge=1, le=1000, description="Largest page size a client may ask.")
    hsts_max_age_seconds: int = Field(
        default=31_536_000,
        ge=0,
        description=(
            "Strict-Transport-Security max-age sent on responses to https requests (as judged for "
            "RANTAI_COOKIE_SECURE), so browsers never try plain http again; 0 sends no such header."
        ),
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description=(
            "The address users open Rantai at (scheme, host and port, no trailing path); links in emails "
            "start with it."
        ),
    )
    ocds_ocid_prefix: str = Field(
        default="ocds-rantai",
        pattern=r"^ocds-[a-z0-9]{6}$",
        description=(
            "The OCDS publisher prefix every ocid starts with (open data, docs/ocds.md); register one with "
            "the Open Contracting Data Support Team before publishing for real."
        ),
    )
    ocds_license: str = Field(
        default="https://creativecommons.org/licenses/by/4.0/",
        pattern=r"^https?://\S+$",
        description=(
            "The licence every OCDS package names (its `license`): the address of the licence's text. "
            "The default is CC BY 4.0, which the Indonesian government's open-data portals use."
        ),
    )
    mail_enabled: bool = Field(
        default=False,
        description=(
            "Send email through the SMTP server below. Off (the default): nothing is sent; each email is "
            "kept in the outbox table and written to RANTAI_DATA_DIR/mail/<id>.eml for the operator."
        ),
    )
    smtp_host: str = Field(default="localhost", description="SMTP server that sends Rantai's email.")
    smtp_port: int = Field(
        default=587, ge=1, le=65535, description="Port of the SMTP server (587: submission)."
    )
    smtp_user: str = Field(default="", description="User name for the SMTP server; empty: no login.")
    smtp_password: SecretStr = Field(default=SecretStr(""), description="Password for the SMTP server.")
    smtp_starttls: bool = Field(
        default=True,
        description="Encrypt the SMTP connection with STARTTLS before logging in (turn off only for a local relay).",
    )
    mail_from: str = Field(
        default="Rantai <noreply@rantai.local>",
        description="The From address of Rantai's email; use an address of your domain that the server may send as.",
    )
    mail_max_attempts: int = Field(
        default=5,
        ge=1,
        le=20,
        description=(
            "Attempts to deliver one email before it is marked failed (retried after 1, 5 and 30 minutes, "
            "then 2 and 6 hours); an address the server refuses for good fails at once."
        ),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
