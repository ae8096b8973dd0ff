"""Settings for the test suite: the real settings with a throwaway key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("AUDIT_SEAL_KEYS", "t1:test-only-audit-seal-key")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "attachments": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}

# Transactional tests empty the tables with TRUNCATE, which the history triggers refuse otherwise.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c workflows.allow_truncate=on"  # noqa: F405

# tests/ holds a sample flow for the generic inbox tests; viewflow needs it inside an app.
INSTALLED_APPS = [*INSTALLED_APPS, "tests"]  # noqa: F405

# Tests move the clock by days and months with time-machine: keep their logins alive (the idle
# timeout itself is tested with override_settings in tests/foundation/test_login_security.py).
SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
