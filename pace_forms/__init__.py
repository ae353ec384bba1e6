"""pace-forms: offline-first experience surveys after looked-after children's
reviews, turned into the balancing measures of the PACE programme."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from pace_forms import config as settings
from pace_forms.config import PROJECT_ROOT


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_relative_config=True,
    )
    app.config.from_mapping(settings.DEFAULTS)
    if test_config is None:
        app.config.from_prefixed_env("PACE")
        # Hosting platforms set plain DATABASE_URL; PACE_DATABASE_URL wins over it.
        if not app.config.get("DATABASE_URL") and os.environ.get("DATABASE_URL"):
            app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
    else:
        app.config.from_mapping(test_config)
    app.config["SECRET_KEY"] = settings.secret_key(app.config, app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.database_url(app.config, app.instance_path)
    if app.config["ENV"] == "production":
        app.config.update(settings.PRODUCTION_SETTINGS)
    if app.config["TRUSTED_PROXIES"]:
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from pace_forms import database, errors, security
    from pace_forms.accounts import access
    from pace_forms.accounts import cli as accounts_cli
    from pace_forms.accounts import views as accounts
    from pace_forms.areas import cli as areas_cli
    from pace_forms.audit import cli as audit_cli
    from pace_forms.audit import views as audit_views
    from pace_forms.retention import cli as retention_cli
    from pace_forms.invitations import cli as invitations_cli
    from pace_forms.responses import cli as responses_cli
    from pace_forms.responses import sealing_cli
    from pace_forms.reviews import views as reviews
    from pace_forms.kiosk import views as kiosk
    from pace_forms.offline import views as offline
    from pace_forms.safeguarding import cli as safeguarding_cli
    from pace_forms.safeguarding import views as safeguarding
    from pace_forms.responses import views as responses
    from pace_forms.forms import catalogue
    from pace_forms.surveys import views as surveys
    from pace_forms.timescales import cli as timescales_cli
    from pace_forms.timescales import views as timescales
    from pace_forms.measures import exports
    from pace_forms.measures import views as measures
    from pace_forms.notes import views as notes
    from pace_forms.push import api as push_api
    from pace_forms.push import cli as push_cli
    from pace_forms.sync import api as sync

    database.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    catalogue.init_app(app)
    app.register_blueprint(surveys.bp)
    app.register_blueprint(sync.bp)
    app.register_blueprint(offline.bp)
    accounts.init_app(app)
    access.init_app(app)
    reviews.init_app(app)
    kiosk.init_app(app)
    invitations_cli.init_app(app)
    areas_cli.init_app(app)
    responses_cli.init_app(app)
    sealing_cli.init_app(app)
    safeguarding_cli.init_app(app)
    accounts_cli.init_app(app)
    timescales_cli.init_app(app)
    timescales.init_app(app)
    measures.init_app(app)
    notes.init_app(app)
    exports.init_app(app)
    safeguarding.init_app(app)
    responses.init_app(app)
    audit_views.init_app(app)
    audit_cli.init_app(app)
    retention_cli.init_app(app)
    push_api.init_app(app)
    push_cli.init_app(app)
    return app
