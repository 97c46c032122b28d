"""Personal data at rest (DESIGN §10): SM4-GCM with a random nonce per value, keys that can rotate.

A stored value reads `v1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>`. The key id names an entry of
settings.JIANDU_SM4_KEYS ({key id: 32 hex digits}); new values are written with JIANDU_SM4_ACTIVE_KEY, old ones
stay readable while their key is configured, and `manage.py rotate_personal_data` rewrites them with the active
key (docs/security.md). GCM authenticates: a changed byte, a swapped key id or a plaintext written into the column
raises DecryptionFailed instead of returning wrong data.

`EncryptedTextField` does this transparently for a model field: Python code sees plaintext, the database only
ciphertext. Lookups on such a field cannot match (each encryption differs): nothing searches by it.
"""

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

VERSION = "v1"
NONCE_BYTES = 12


class DecryptionFailed(Exception):
    """A stored value that is not ours, was tampered with, or whose key is no longer configured."""


def _keys() -> dict[str, bytes]:
    keys = {}
    for key_id, hex_key in (getattr(settings, "JIANDU_SM4_KEYS", None) or {}).items():
        try:
            key = bytes.fromhex(hex_key)
        except ValueError:
            raise ImproperlyConfigured(f"JIANDU_SM4_KEYS[{key_id!r}] 不是十六进制。") from None
        if len(key) != 16:
            raise ImproperlyConfigured(f"JIANDU_SM4_KEYS[{key_id!r}] 必须是128位（32个十六进制字符）。")
        if ":" in key_id:
            raise ImproperlyConfigured("SM4 密钥编号不能包含冒号。")
        keys[key_id] = key
    return keys


def active_key_id() -> str:
    key_id = getattr(settings, "JIANDU_SM4_ACTIVE_KEY", "")
    if key_id not in _keys():
        raise ImproperlyConfigured("JIANDU_SM4_ACTIVE_KEY 必须是 JIANDU_SM4_KEYS 中的一个密钥编号。")
    return key_id


def _aad(key_id: str) -> bytes:
    return f"{VERSION}:{key_id}".encode()


def encrypt(plaintext: str) -> str:
    key_id = active_key_id()
    nonce = os.urandom(NONCE_BYTES)
    enc = Cipher(algorithms.SM4(_keys()[key_id]), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(_aad(key_id))
    body = enc.update(plaintext.encode()) + enc.finalize()
    return f"{VERSION}:{key_id}:{base64.b64encode(nonce + body + enc.tag).decode()}"


def key_id_of(stored: str) -> str:
    parts = stored.split(":", 2)
    if len(parts) != 3 or parts[0] != VERSION:
        raise DecryptionFailed("不是加密的值。")
    return parts[1]


def decrypt(stored: str) -> str:
    key_id = key_id_of(stored)
    key = _keys().get(key_id)
    if key is None:
        raise DecryptionFailed(f"密钥“{key_id}”未配置，无法解密。")
    try:
        raw = base64.b64decode(stored.split(":", 2)[2], validate=True)
    except ValueError:
        raise DecryptionFailed("密文格式错误。") from None
    if len(raw) < NONCE_BYTES + 16:
        raise DecryptionFailed("密文过短。")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-16], raw[-16:]
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(_aad(key_id))
    try:
        return (dec.update(body) + dec.finalize()).decode()
    except (InvalidTag, UnicodeDecodeError):
        raise DecryptionFailed("密文校验失败：数据被篡改或密钥不符。") from None


class EncryptedTextField(models.TextField):
    """A text field stored SM4-encrypted (see the module docstring). Empty stays empty, so blank checks work."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)
