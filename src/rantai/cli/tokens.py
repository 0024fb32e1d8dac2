"""``rantai tokens``: create and revoke API tokens from the command line."""

from __future__ import annotations

import typer

from rantai.cli.common import unit_of_work
from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.kit.errors import NotFound
from rantai.kit.text import N_

app = typer.Typer(help="API tokens.", no_args_is_help=True)


@app.command("create")
def create(
    email: str = typer.Option(..., help="The user the token acts as."),
    organization: str = typer.Option(..., help="The organization the token is scoped to (name)."),
    name: str = typer.Option(..., help="What will use the token."),
) -> None:
    """Create a token; it is printed once and stored only as a digest."""
    with unit_of_work() as session:
        user = identity_repo.user_by_email(session, email)
        org = identity_repo.organization_by_name(session, organization)
        if user is None:
            raise NotFound(N_("No user with that email."))
        if org is None:
            raise NotFound(N_("No organization with that name."))
        actor = identity.actor_for(session, user)
        secret, token = identity.create_api_token(
            session, actor=actor, user=user, organization_id=org.id, name=name
        )
        typer.echo(
            f"Token {token.id} ({token.prefix}...) for '{org.name}'. Store it now, it is not shown again:"
        )
        typer.echo(secret)


@app.command("revoke")
def revoke(
    token_id: int = typer.Argument(..., help="Token id as printed at creation or listed in the web page."),
    email: str = typer.Option(..., help="A user allowed to manage the token's organization's tokens."),
) -> None:
    """Revoke a token; systems using it are refused from the next request."""
    with unit_of_work() as session:
        user = identity_repo.user_by_email(session, email)
        if user is None:
            raise NotFound(N_("No user with that email."))
        token = identity.revoke_api_token(session, actor=identity.actor_for(session, user), token_id=token_id)
        typer.echo(f"Token {token.id} ({token.prefix}...) revoked.")
