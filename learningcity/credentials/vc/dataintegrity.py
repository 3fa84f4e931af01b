"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C VC Data
Integrity EdDSA Cryptosuites v1.0, section 3.2).

Signing: the proof options (the proof without ``proofValue``, with the document's
``@context``) and the document without its proof are each canonicalised with RDF
Dataset Canonicalization (RDFC-1.0, pyld's URDNA2015, which is the same algorithm),
each hashed with SHA-256; the Ed25519 signature over the two hashes (options first)
is the ``proofValue``, base58btc multibase."""

import copy
import hashlib
import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

from .contexts import document_loader, is_bundled
from .didkey import DidError, public_key_from_verification_method
from .multibase import MultibaseError, decode_base58btc, encode_base58btc

CRYPTOSUITE = "eddsa-rdfc-2022"


class ProofError(Exception):
    """Why a proof does not verify, as a short code and words for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def canonize(document: dict[str, Any]) -> str:
    result: str = jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": document_loader,
        },
    )
    return result


def _hash_data(document: dict[str, Any], options: dict[str, Any]) -> bytes:
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    config = {key: value for key, value in options.items() if key != "proofValue"}
    config["@context"] = document["@context"]
    config_hash = _config_hash(json.dumps(config, sort_keys=True))
    document_hash = hashlib.sha256(canonize(unsigned).encode("utf-8")).digest()
    return config_hash + document_hash


@lru_cache(maxsize=256)
def _config_hash(config_json: str) -> bytes:
    """The proof options' hash. A batch signs many credentials in the same second
    with the same key, so their options are equal: canonicalised once, not each time."""
    return hashlib.sha256(canonize(json.loads(config_json)).encode("utf-8")).digest()


def now_stamp(moment: datetime | None = None) -> str:
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(
    document: dict[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    *,
    created: datetime | None = None,
) -> dict[str, Any]:
    """A copy of ``document`` with its proof."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": now_stamp(created),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = private_key.sign(_hash_data(document, options))
    signed = copy.deepcopy(document)
    # One proof in a list: the Open Badges 3.0 JSON Schema asks for an array, and
    # Data Integrity reads a list of one as that one proof.
    signed["proof"] = [{**options, "proofValue": encode_base58btc(signature)}]
    return signed


def verify(document: dict[str, Any]) -> str:
    """Checks the document's one proof; returns its verification method, or raises
    ``ProofError`` saying what is wrong."""
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError("no_proof", "The credential has no single proof.")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError("unsupported_proof", "The proof is not an eddsa-rdfc-2022 proof.")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("wrong_purpose", "The proof is not made for an assertion.")
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not all(is_bundled(url) for url in contexts):
        raise ProofError("unknown_context", "The credential names a context we do not know.")
    method = proof.get("verificationMethod")
    try:
        public_key = public_key_from_verification_method(method)  # type: ignore[arg-type]
        signature = decode_base58btc(proof.get("proofValue"))  # type: ignore[arg-type]
    except (DidError, MultibaseError) as error:
        raise ProofError("bad_proof", "The proof cannot be read.") from error
    try:
        data = _hash_data(document, proof)
    except (jsonld.JsonLdError, TypeError, ValueError, KeyError, AttributeError) as error:
        raise ProofError("unreadable", "The credential cannot be read as JSON-LD.") from error
    try:
        public_key.verify(signature, data)
    except InvalidSignature as error:
        raise ProofError(
            "tampered", "The signature does not match: the credential was changed after issue."
        ) from error
    return str(method)
