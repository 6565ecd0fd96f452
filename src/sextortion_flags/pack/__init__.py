"""Evidence packs (issue 10): one zip per case with the original exports byte for byte, the
analysis, the flagged messages and the other party's identifiers, a README and a SHA-256 manifest,
so a victim can hand a verifiable file to the police, a reporting service or a platform."""

from sextortion_flags.pack.build import PackResult, write_pack

__all__ = ["PackResult", "write_pack"]
