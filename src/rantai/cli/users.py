"""``rantai users``: create accounts and give them roles (for operators and first setup)."""

from __future__ import annotations

import getpass

import typer

from rantai.cli.common import unit_of_work
from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role

app = typer.Typer(help="User accounts.", no_args_is_help=True)


@app.command("create")
def create(
    email: str = typer.Option(..., help="Login email."),
    name: str = typer.Option(..., help="Full name."),
    organization: str = typer.Option(..., help="Organization name; created when it does not exist."),
    org_type: OrgType = typer.Option(OrgType.UMKM, help="Type of a new organization."),
    role: list[Role] = typer.Option([Role.OWNER], help="Role in the organization (repeatable)."),
    region: str | None = typer.Option(None, help="Kemendagri region code of a new organization."),
    password: str | None = typer.Option(
        None, help="Password (at least 10 characters). Asked for when omitted; prefer the prompt."
    ),
    locale: str = typer.Option("id", help="Language: id or en."),
) -> None:
    """Create a user with roles in an organization."""
    secret = password or getpass.getpass("Password: ")
    with unit_of_work() as session:
        org = identity_repo.organization_by_name(session, organization)
        if org is None:
            org = identity.create_organization(
                session, name=organization, org_type=org_type, region_code=region
            )
        user = identity.create_user(
            session,
            email=email,
            full_name=name,
            password=secret,
            locale=locale if locale in ("id", "en") else "id",
            organization_names=(org.name,),
        )
        for r in role:
            identity.add_membership(session, user=user, organization=org, role=r)
        typer.echo(f"User {user.email} (id {user.id}) created in '{org.name}' with roles: {', '.join(role)}.")
