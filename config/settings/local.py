"""Local development and the demo: SQLite in var/, debug on, a fixed non-secret key."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="jiandu-local-development-key-not-for-production")
# A fixed, public SM4 key for the demo only (production refuses to start without its own).
JIANDU_SM4_KEYS = env.dict("JIANDU_SM4_KEYS", default={"dev": "6a69616e64752d6c6f63616c2d6b6579"})
JIANDU_SM4_ACTIVE_KEY = env("JIANDU_SM4_ACTIVE_KEY", default="dev")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
VAR_DIR.mkdir(exist_ok=True)
# Static files come straight from the finders (app static and node_modules); no collectstatic locally.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
