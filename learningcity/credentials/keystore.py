"""Issuer keys: made here, stored only encrypted, opened only to sign.

The encryption key is derived with HKDF-SHA256 from ``CREDENTIALS_KEY_SECRET`` (an
environment setting; ``SECRET_KEY`` when it is not set), so a copy of the database
alone holds no usable private key. Fernet (AES-128-CBC with HMAC-SHA256) seals each
private key; a wrong secret fails loudly rather than signing with garbage."""

import base64
import os
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class KeyUnavailable(Exception):
    """The private key cannot be opened with this installation's secret."""


def _secret() -> str:
    return str(
        getattr(settings, "CREDENTIALS_KEY_SECRET", "")
        or os.environ.get("CREDENTIALS_KEY_SECRET", "")
        or settings.SECRET_KEY
    )


@cache
def _fernet_for(secret: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"learningcity.credentials",
        info=b"issuer private keys v1",
    ).derive(secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derived))


def new_key_pair() -> tuple[bytes, str]:
    """A fresh Ed25519 key: its public key (32 bytes) and its sealed private key."""
    private_key = Ed25519PrivateKey.generate()
    raw_private = private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return public, _fernet_for(_secret()).encrypt(raw_private).decode("ascii")


def open_private_key(sealed: str) -> Ed25519PrivateKey:
    try:
        raw = _fernet_for(_secret()).decrypt(sealed.encode("ascii"))
    except InvalidToken as error:
        raise KeyUnavailable("the issuer key cannot be opened with this secret") from error
    return Ed25519PrivateKey.from_private_bytes(raw)
