"""The `pace-forms` command: Flask's own commands (run, routes, shell, db)
plus this project's (init-db, check-forms, invite, export, demo)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade
from werkzeug.serving import run_simple

from pace_forms import create_app
from pace_forms.config import ConfigError
from pace_forms.extensions import db
from pace_forms.forms.catalogue import current_forms, publish_form_versions
from pace_forms.forms.definitions import FormDefinitionError


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
@with_appcontext
def check_forms_command() -> None:
    """Check every form file (the app would not have started with a broken one)."""
    for form in current_forms().values():
        measured = sum(1 for question in form.questions if question.measure_code)
        click.echo(
            f"{form.key} version {form.version}: {len(form.questions)} questions "
            f"({measured} feed a measure), audience {form.audience}, locale {form.locale}, "
            f"content {form.content_hash[:12]}"
        )
    click.echo(f"{len(current_forms())} form(s) valid.")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to serve on.")
@click.option("--no-serve", is_flag=True, help="Make the demo database and print the links, but do not serve.")
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Make a fresh demo database with sample data, print survey links, and serve."""
    from pace_forms.demo import seed_demo

    base_url = f"http://{host}:{port}"
    app = create_app({"DATABASE_FILENAME": "demo.sqlite", "BASE_URL": base_url})
    with app.app_context():
        db.engine.dispose()
        database = Path(app.instance_path) / "demo.sqlite"
        for path in (database, database.with_name("demo.sqlite-wal"), database.with_name("demo.sqlite-shm")):
            path.unlink(missing_ok=True)
        upgrade_database()
        links = seed_demo(base_url)
        db.session.commit()
    click.echo(f"Demo database: {database}")
    click.echo("Survey links (open one on a phone-sized window; try it offline too):")
    for label, url in links:
        click.echo(f"  {label}: {url}")
    click.echo("Export what was sent with: pace-forms export responses --area DEMO --format csv (with PACE_DATABASE_FILENAME=demo.sqlite)")
    if not no_serve:
        click.echo(f"Serving on {base_url}/  (Ctrl+C to stop)")
        # Not app.run(): Flask ignores it inside its own CLI.
        run_simple(host, port, app, threaded=True)


def make_app() -> object:
    return create_app()


cli = FlaskGroup(create_app=make_app, add_default_commands=True, help="pace-forms: PACE review surveys.")
cli.add_command(init_db_command)
cli.add_command(check_forms_command)
cli.add_command(demo_command)


def main() -> None:
    try:
        cli.main(prog_name="pace-forms")
    except (FormDefinitionError, ConfigError) as error:
        click.echo(f"pace-forms cannot start:\n{error}", err=True)
        sys.exit(2)
