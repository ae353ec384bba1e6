"""gunicorn settings for the reliability suites (`gunicorn -c` this file).

The master makes the app once before it forks, and drops it with its
database connections: every module is then imported once, so each worker,
and each one gunicorn starts again after a SIGKILL, boots in well under a
second instead of importing everything again. Each worker still makes its
own app and its own connections, as in production."""


def on_starting(server):
    from pace_forms import create_app
    from pace_forms.extensions import db

    app = create_app()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
