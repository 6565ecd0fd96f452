"""Chat exports that arrive as a .zip: read member by member in memory, never extracted to disk.

People send helplines the archive the app gave them (Instagram / Facebook "Download your
information") or a Telegram Desktop export folder they zipped. An archive is hostile input like any
other file: member names are never used as disk paths (traversal names are harmless), media and
unrelated members are never read, and every member read is capped (declared size, compression ratio,
actual bytes, and a budget for the whole archive), so a zip bomb or a 2 GB member ends in an
`InputError` naming the archive and the member instead of a memory blow-up.

Error places read `archive.zip:folder/member.json` (and `...:line` when a line is known).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from types import TracebackType

from sextortion_flags.errors import InputError
from sextortion_flags.models import ErrorInfo, ErrorReport
from sextortion_flags.parsers.base import MAX_EXPORT_BYTES

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
"""A local file header (any zip with members) or an end-of-directory record (an empty zip)."""
NO_EXPORT = "zip archive holds no chat export"
MAX_MEMBERS = 200_000
"""More entries than any real export has; the central directory of a larger one is refused."""
MAX_MEMBER_BYTES = MAX_EXPORT_BYTES
"""The cap of one member, the same as a plain export file's."""
MAX_ARCHIVE_BYTES = 2 * MAX_EXPORT_BYTES
"""What all members read from one archive may add up to."""
MAX_RATIO = 250
"""Chat JSON and HTML compress about 5-20 times; a member that expands far more is a zip bomb."""
RATIO_FLOOR = 1024 * 1024
"""Below this size any ratio is harmless (and small repetitive files do compress very well)."""
_CHUNK = 1024 * 1024
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class ArchiveLimitError(InputError):
    """The whole archive is over a cap: reading stops (the conversations already read are kept)."""


def is_zip(head: bytes) -> bool:
    """Whether a file's first bytes are those of a zip archive (by content, not by name)."""
    return head.startswith(ZIP_MAGIC)


def is_zip_file(path: Path) -> bool:
    """Whether `path` is a zip archive; an unreadable file is not one (its parser reports it)."""
    try:
        with open(path, "rb") as fh:
            return is_zip(fh.read(4))
    except OSError:
        return False


def printable(name: str) -> str:
    """A member name fit for an error message: control characters replaced, at most 200 characters."""
    return _UNPRINTABLE.sub("?", name)[:200]


class Archive:
    """An open zip archive whose members are read one at a time within the caps.

    `members()` lists (posix path, entry) pairs: names with backslashes (zips made by some Windows
    tools) are read with "/" separators, folders are left out.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.read_bytes = 0
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
                RuntimeError) as exc:  # ValueError includes a name flagged UTF-8 that is not
            raise InputError("unreadable zip archive", where=str(path)) from exc
        if len(self._zip.infolist()) > MAX_MEMBERS:
            self._zip.close()
            raise InputError(f"zip archive has more than {MAX_MEMBERS} entries", where=str(path))

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._zip.close()

    def members(self) -> Iterator[tuple[PurePosixPath, zipfile.ZipInfo]]:
        for info in self._zip.infolist():
            if not info.is_dir():
                yield PurePosixPath(info.filename.replace("\\", "/")), info

    def where(self, info: zipfile.ZipInfo) -> str:
        """`archive.zip:member` for error messages."""
        return f"{self.path}:{printable(info.filename)}"

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The bytes of one member, or InputError naming it when it is too large, a bomb, or damaged."""
        where = self.where(info)
        if info.file_size > MAX_MEMBER_BYTES:
            raise InputError(f"zip member larger than {MAX_MEMBER_BYTES} bytes", where=where)
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(f"zip member expands more than {MAX_RATIO} times (a zip bomb?)", where=where)
        if self.read_bytes + info.file_size > MAX_ARCHIVE_BYTES:
            raise ArchiveLimitError(f"zip archive expands to more than {MAX_ARCHIVE_BYTES} bytes of chat files",
                             where=str(self.path))
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as fh:
                while chunk := fh.read(_CHUNK):
                    size += len(chunk)
                    if size > info.file_size:  # zipfile stops at the declared size; never trust it alone
                        raise InputError("zip member larger than its declared size", where=where)
                    chunks.append(chunk)
        except InputError:
            raise
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
                RuntimeError) as exc:  # RuntimeError: encrypted; NotImplementedError: compression method
            raise InputError("unreadable zip member (damaged, encrypted or an unsupported compression)",
                             where=where) from exc
        self.read_bytes += size
        return b"".join(chunks)


def member_paths(path: Path) -> list[PurePosixPath]:
    """The member paths of an archive, for sniffers; [] when it cannot be opened."""
    try:
        with Archive(path) as archive:
            return [name for name, _ in archive.members()]
    except InputError:
        return []


def no_export_error(path: Path) -> InputError:
    """The error for an archive no parser claims: unreadable, or readable but without a chat export."""
    with Archive(path) as archive:  # raises "unreadable zip archive" itself
        nested = any(name.suffix.lower() == ".zip" for name, _ in archive.members())
    return InputError(NO_EXPORT + (" (archives inside it are not opened)" if nested else ""), where=str(path))


def error_record(exc: InputError) -> ErrorReport:
    """The batch's error line for one unreadable member or thread, so the archive's others still come out;
    an `ArchiveLimitError` is raised again, as it ends the whole archive."""
    if isinstance(exc, ArchiveLimitError):
        raise exc
    return ErrorReport(error=ErrorInfo(type="InputError", message=str(exc)))
