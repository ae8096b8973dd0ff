"""The sealing keys: outside the database, from settings (environment), with rotation.

`AUDIT_SEAL_KEYS` is "id:secret,id:secret": the first key seals new records and checkpoints;
older keys stay listed so records and checkpoints they sealed still verify. Rotate by putting
a new key first (see docs/audit.md). Someone who can write the database but does not know the
keys cannot forge a seal.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def seal_keys() -> dict[str, bytes]:
    keys = {}
    for item in settings.AUDIT_SEAL_KEYS:
        key_id, _, secret = item.partition(":")
        if not key_id or not secret:
            raise ImproperlyConfigured("AUDIT_SEAL_KEYS 的每一项应为 “编号:密钥”。")
        keys[key_id.strip()] = secret.strip().encode()
    if not keys:
        raise ImproperlyConfigured("AUDIT_SEAL_KEYS 未配置：历史记录无法封存。")
    return keys


def current_key_id() -> str:
    return next(iter(seal_keys()))


def mac(key_id: str, message: str) -> str:
    """HMAC-SHA256 of `message` with the named key (KeyError when the key is unknown)."""
    return hmac.new(seal_keys()[key_id], message.encode("utf-8"), hashlib.sha256).hexdigest()


def macs_equal(left: str, right: str) -> bool:
    return hmac.compare_digest(left or "", right or "")
