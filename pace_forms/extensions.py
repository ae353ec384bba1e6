"""The Flask extensions, created unbound and initialised by the factory."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from pace_forms.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
# Limits are per client address; behind a proxy set PACE_TRUSTED_PROXIES so
# that address is the client's, not the proxy's.
limiter = Limiter(key_func=get_remote_address)
# "strong": a session cookie replayed from another address or browser is
# dropped, not just marked stale.
login_manager = LoginManager()
login_manager.session_protection = "strong"
login_manager.login_view = "accounts.sign_in"
login_manager.login_message = "Please sign in to see that page."
