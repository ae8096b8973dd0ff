"""Settings for `make bench`: the real settings as production runs them (DEBUG off: cached templates, no
debug bookkeeping), plus the bench app holding the bare viewflow flow."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("AUDIT_SEAL_KEYS", "bench:bench-only-audit-seal-key")

from project.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_VERBOSE = False  # force_login and the load test log no lockout bookkeeping
