"""Identifiers of the other party (phones, handles, links, e-mails, wallets, IBANs, transfer codes).

`extract_identifiers(conversation, exclude_senders=..., only_senders=...)` is the entry point;
`scan.py` reads one message, `checksums.py` and `phone.py` validate, `patterns.py` holds every
pattern and loads the per-language context words from `resources/identifiers/cues.yaml`.
"""

from sextortion_flags.identifiers.extract import extract_identifiers

__all__ = ["extract_identifiers"]
