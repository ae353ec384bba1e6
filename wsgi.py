"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from pace_forms import create_app

app = create_app()
