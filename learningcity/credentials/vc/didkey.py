"""did:key for Ed25519 keys (Multikey, ``z6Mk…``): made from a public key, and read
back without any look-up."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .multibase import ED25519_PUB, MultibaseError, decode_base58btc, encode_base58btc


class DidError(ValueError):
    pass


def public_key_multibase(public_key: bytes) -> str:
    return encode_base58btc(ED25519_PUB + public_key)


def did_for(public_key: bytes) -> str:
    return "did:key:" + public_key_multibase(public_key)


def verification_method_for(did: str) -> str:
    return f"{did}#{did.removeprefix('did:key:')}"


def public_key_from_verification_method(method: str) -> Ed25519PublicKey:
    """The Ed25519 key a did:key verification method names; the fragment must be the
    key itself, as the did:key method defines."""
    if not isinstance(method, str) or not method.startswith("did:key:"):
        raise DidError("not a did:key verification method")
    did, _, fragment = method.partition("#")
    encoded = did.removeprefix("did:key:")
    if fragment and fragment != encoded:
        raise DidError("the fragment does not name the did:key's own key")
    try:
        raw = decode_base58btc(encoded)
    except MultibaseError as error:
        raise DidError(str(error)) from error
    if not raw.startswith(ED25519_PUB) or len(raw) != 34:
        raise DidError("not an Ed25519 did:key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def did_document(did: str) -> dict[str, object]:
    """The DID document a did:key stands for (shown to people who ask)."""
    method = verification_method_for(did)
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": did.removeprefix("did:key:"),
            }
        ],
        "authentication": [method],
        "assertionMethod": [method],
    }
