"""Verifiable credentials without Django: bundled JSON-LD contexts, did:key,
Data Integrity proofs (eddsa-rdfc-2022) and Bitstring Status Lists.

The app (``credentials.services``) decides what to sign and keeps the keys; this
package only knows the standards, so the benchmark and the engine tests can use it
alone."""
