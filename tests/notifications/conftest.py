import pytest

from .fakes import FakeRobot, free_port


@pytest.fixture
def smtp_settings(settings):
    """Django's real SMTP backend, pointed at a port on 127.0.0.1 (start a FlakySMTP there)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return settings


@pytest.fixture
def robot(settings):
    """A local fake group-robot webhook server (http allowed for it)."""
    settings.NOTIFY_WEBHOOK_ALLOW_HTTP = True
    with FakeRobot() as server:
        yield server
