"""The `pace-forms` command: Flask's own commands (run, routes, shell, db)
plus this project's (init-db, check-forms, invite, export, demo). Each
command that needs the database says what to run when it is missing or behind."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from flask_migrate import upgrade
from werkzeug.serving import run_simple

from pace_forms import config as settings
from pace_forms import create_app
from pace_forms.config import ConfigError
from pace_forms.database import current_revisions, schema_problem
from pace_forms.extensions import db
from pace_forms.forms import checks as form_checks
from pace_forms.forms.catalogue import current_forms, media_names, publish_form_versions
from pace_forms.forms.definitions import FormDefinitionError, load_forms


def upgrade_database() -> None:
    """Bring the schema to the newest migration and publish the current forms."""
    upgrade()
    publish_form_versions()
    db.session.commit()


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema to the newest migration."""
    upgrade_database()
    click.echo(f"Database is up to date: {db.engine.url.render_as_string(hide_password=True)}")


@click.command("check-forms")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def check_forms_command(directory: Path | None) -> None:
    """Check every form file against the rules of pace_forms/forms/checks.py
    (one code per item, at most 6 counted child questions, one answer order
    and one meaning per picture on a pictorial form, the honest-promises first
    screen, reading grade) and print each form's reading grade. Exits 1 if a
    form breaks a rule. DIRECTORY: check the forms there instead of the ones
    this app serves (a draft, say)."""
    if directory is None:
        forms = current_forms()
    else:
        try:
            forms = load_forms(directory, **media_names(current_app))
        except FormDefinitionError as error:
            click.echo(f"The forms in {directory} do not load:\n{error}", err=True)
            sys.exit(1)
    problems = []
    for form in forms.values():
        measured = sum(1 for question in form.questions if question.measure_code)
        reading = form_checks.reading_of(form)
        click.echo(
            f"{form.key} version {form.version}: {len(form.questions)} questions "
            f"({measured} feed a measure), audience {form.audience}, locale {form.locale}, "
            f"content {form.content_hash[:12]}; reading grade {reading.grade:.1f} (at most {reading.limit})"
        )
        problems.extend(form_checks.check_form(form))
    click.echo(form_checks.HOW_READING_IS_MEASURED)
    if problems:
        for problem in problems:
            click.echo(f"FAIL {problem}", err=True)
        click.echo(f"{len(problems)} problem(s) in {len({problem.form for problem in problems})} of {len(forms)} form(s).", err=True)
        sys.exit(1)
    click.echo(f"{len(forms)} form(s) valid.")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on (0.0.0.0: every address).")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to serve on.")
@click.option("--reset", is_flag=True, help="Start again from an empty demo database: every answer and link so far is lost.")
@click.option(
    "--database",
    "database_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The demo's SQLite file (default: demo.sqlite in the instance folder).",
)
@click.option("--no-serve", is_flag=True, help="Prepare the demo database and print the links, but do not serve.")
def demo_command(host: str, port: int, reset: bool, database_path: Path | None, no_serve: bool) -> None:
    """Serve a demo with sample data and print its survey links. The demo keeps
    its data (and its links keep working) from one start to the next, unless
    asked to --reset."""
    from pace_forms import demo

    every_address = host in ("0.0.0.0", "::", "")
    base_url = f"http://{'127.0.0.1' if every_address else host}:{port}"
    config: dict[str, object] = {"DATABASE_FILENAME": "demo.sqlite", "BASE_URL": base_url}
    if database_path is not None:
        database_path = database_path.resolve()
        config["DATABASE_FILENAME"] = str(database_path)
        # The demo's secret key beside its database, so that it keeps to that folder.
        config["SECRET_KEY"] = settings.secret_key({"ENV": "development", "SECRET_KEY": None}, str(database_path.parent))
        config["SEALING_KEYS_DIR"] = str(database_path.parent / "sealing-keys")
    app = create_app(config)
    database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    with app.app_context():
        if reset:
            demo.delete_demo_data(database)
        has_earlier_data = bool(current_revisions(db.engine))
        upgrade_database()
        links, what_happened = demo.demo_links(base_url, database, has_earlier_data=has_earlier_data)
        made_users, kept_users = demo.demo_users()
        db.session.commit()
        sealing = demo.demo_sealing_key()
    click.echo(f"Demo database: {database}")
    if reset:
        what_happened = "Started again from an empty demo database (--reset): earlier answers and links are gone."
    click.echo(what_happened)
    click.echo("Survey links (open one on a phone-sized window; try it offline too):")
    for label, url in links:
        click.echo(f"  {label}: {url}")
    click.echo(f"Staff pages: sign in at {base_url}/sign-in as")
    for role, email, password in made_users:
        click.echo(f"  {role:<11} {email}  password: {password}")
    if kept_users:
        click.echo(f"  {', '.join(kept_users)}: kept from before, with the passwords printed then. To make new ones: pace-forms demo --reset (or make demo RESET=1).")
    click.echo(f"Run charts of the demo's synthetic case data: as the consultant, open {base_url}/areas/DEMO/timescales")
    click.echo(f"Balancing measures from two years of synthetic answers to those children's reviews: {base_url}/areas/DEMO/balancing")
    click.echo(f"Export what was sent with: PACE_DATABASE_FILENAME={database} pace-forms export responses --area DEMO --format csv")
    click.echo(sealing)
    if every_address:
        click.echo(
            "Listening on every address: from another device, put this machine's address in place of 127.0.0.1 "
            "(offline use needs HTTPS there; browsers allow it without HTTPS only on localhost)."
        )
    if not no_serve:
        click.echo(f"Serving on {base_url}/  (Ctrl+C to stop; your answers stay for next time)")
        # Not app.run(): Flask ignores it inside its own CLI.
        run_simple(host, port, app, threaded=True)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Copy the whole database into FILE, a new file readable by its owner
    only: SQLite's online backup (consistent while the app serves), or on
    PostgreSQL pg_dump's custom format. It holds personal data: encrypt it
    before it leaves this machine (docs/security.md)."""
    from pace_forms import backup

    try:
        click.echo(backup.backup(db.engine, file))
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    """Put a backup made by `pace-forms backup` into this app's database,
    which must be new and empty (it is refused otherwise, unchanged)."""
    from pace_forms import backup

    db.session.remove()
    try:
        click.echo(backup.restore(db.engine, file))
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None


def make_app() -> object:
    return create_app()


# Commands that work on a database that is missing or behind (or on none).
# A backup is most wanted just before `init-db` brings a database up to new code.
SCHEMA_FREE_COMMANDS = {"init-db", "backup", "restore", "db", "demo", "check-forms", "routes", "shell", "sealing-keys", "vapid-keys"}
# Commands that carry on with a warning: the web app itself answers 503 "being
# set up" until init-db has run, and needs no restart after it.
WARN_ONLY_COMMANDS = {"run"}


class PaceFormsGroup(FlaskGroup):
    """Flask's command group, which first checks that the database is at the
    schema this code needs, and otherwise says what to run instead of
    failing later with "no such table"."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name, command, rest = super().resolve_command(ctx, args)
        asks_for_help = any(arg in ctx.help_option_names for arg in rest)
        if command is not None and name not in SCHEMA_FREE_COMMANDS and not asks_for_help and not ctx.resilient_parsing:
            self._check_database(ctx, name)
        return name, command, rest

    @staticmethod
    def _check_database(ctx: click.Context, name: str) -> None:
        app = ctx.ensure_object(ScriptInfo).load_app()
        with app.app_context():
            problem = schema_problem(db.engine)
        if problem is None:
            return
        if name in WARN_ONLY_COMMANDS:
            click.secho(f"Warning: {problem} Until then, pages answer 503 (being set up).", err=True, fg="yellow")
            return
        click.echo(f"pace-forms {name} needs the database first. {problem}", err=True)
        ctx.exit(1)


cli = PaceFormsGroup(create_app=make_app, add_default_commands=True, help="pace-forms: PACE review surveys.")
cli.add_command(init_db_command)
cli.add_command(check_forms_command)
cli.add_command(demo_command)
cli.add_command(backup_command)
cli.add_command(restore_command)


def main() -> None:
    try:
        cli.main(prog_name="pace-forms")
    except (FormDefinitionError, ConfigError) as error:
        click.echo(f"pace-forms cannot start:\n{error}", err=True)
        sys.exit(2)
