"""A pack's zip file, written atomically and checked against its own manifest before it appears.

The zip is built in a temporary file beside the destination and renamed over it only when every
entry has been read back and matched its SHA-256, so a crash or a full disk never leaves half a
pack under the final name. Originals are opened for reading only, streamed once (hashed while
copied) and keep their modification time in the zip entry.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
import zipfile
from pathlib import Path
from types import TracebackType

from sextortion_flags.errors import SextortionFlagsError

MANIFEST_NAME = "MANIFEST.sha256"
_CHUNK = 1024 * 1024
_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f\\\ud800-\udfff]")  # surrogates: a file name that is not UTF-8
"""Characters sha256sum would escape in a manifest line (and that have no place in a zip name)."""


class PackIntegrityError(SextortionFlagsError):
    """A pack did not match its own manifest when read back; it was not kept."""


def safe_member(name: str) -> str:
    return _UNSAFE_NAME_CHARS.sub("_", name)


class PackArchive:
    """Entries are added one by one; `commit()` writes the manifest, verifies and renames."""

    def __init__(self, destination: Path) -> None:
        self.destination = destination
        destination.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".part", dir=destination.parent)
        os.close(handle)
        self._temp = Path(name)
        self._zip = zipfile.ZipFile(self._temp, "w", compression=zipfile.ZIP_DEFLATED)
        self.digests: dict[str, str] = {}
        self._made = time.localtime()[:6]

    def add_original(self, source: Path, member: str) -> str:
        """Copy `source` into the zip as `member` (its mtime kept); its SHA-256 as read. OSError if unreadable."""
        with open(source, "rb") as reader:  # opened first: an unreadable file leaves no entry behind
            info = zipfile.ZipInfo.from_file(source, member, strict_timestamps=False)
            info.compress_type = zipfile.ZIP_DEFLATED
            digest = hashlib.sha256()
            with self._zip.open(info, "w") as writer:
                while chunk := reader.read(_CHUNK):
                    digest.update(chunk)
                    writer.write(chunk)
        return self._record(member, digest.hexdigest())

    def add_bytes(self, member: str, data: bytes) -> str:
        self._zip.writestr(self._made_now(member), data)
        return self._record(member, hashlib.sha256(data).hexdigest())

    def _made_now(self, member: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(member, date_time=self._made)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16  # rw-r--r-- once unzipped
        return info

    def _record(self, member: str, digest: str) -> str:
        self.digests[member] = digest
        return digest

    def manifest(self) -> bytes:
        """sha256sum format: `<hex>  <path>` per file, sorted by path, the manifest itself excluded."""
        return "".join(f"{self.digests[name]}  {name}\n" for name in sorted(self.digests)).encode("utf-8")

    def commit(self) -> Path:
        self._zip.writestr(self._made_now(MANIFEST_NAME), self.manifest())
        self._zip.close()
        self._verify()
        with open(self._temp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(self._temp, self.destination)
        return self.destination

    def _verify(self) -> None:
        with zipfile.ZipFile(self._temp) as written:
            names = [n for n in written.namelist() if n != MANIFEST_NAME]
            if sorted(names) != sorted(self.digests):
                raise PackIntegrityError(f"{self.destination}: the pack's entries do not match its manifest")
            for name in names:
                digest = hashlib.sha256()
                with written.open(name) as entry:
                    while chunk := entry.read(_CHUNK):
                        digest.update(chunk)
                if digest.hexdigest() != self.digests[name]:
                    raise PackIntegrityError(f"{self.destination}: {name} changed while it was packed")

    def discard(self) -> None:
        self._zip.close()
        self._temp.unlink(missing_ok=True)

    def __enter__(self) -> PackArchive:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None or self._temp.exists():  # not committed: leave nothing behind
            self.discard()
