"""Which parser reads a file: by content first (`sniff`), the extension as a tie-breaker."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sextortion_flags.errors import InputError, UsageError
from sextortion_flags.models import ErrorInfo, ErrorReport, mend_surrogates
from sextortion_flags.parsers.archive import is_zip, is_zip_file, no_export_error
from sextortion_flags.parsers.base import MAX_EXPORT_BYTES, ChatParser, ParseOptions

log = logging.getLogger(__name__)
HEAD_BYTES = 64 * 1024
_PARSERS: dict[str, type[ChatParser]] = {}
_BUILTINS_LOADED = False


def register(parser: type[ChatParser]) -> type[ChatParser]:
    _PARSERS[parser.name] = parser
    return parser


def _load_builtin() -> None:
    # A flag, not `if _PARSERS`: importing one parser module first registers it alone
    global _BUILTINS_LOADED
    if _BUILTINS_LOADED:
        return
    import importlib
    import pkgutil

    import sextortion_flags.parsers as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name not in ("archive", "base", "registry"):
            importlib.import_module(f"sextortion_flags.parsers.{module.name}")
    _BUILTINS_LOADED = True


def formats() -> list[str]:
    _load_builtin()
    return sorted(_PARSERS)


def _sniff(parser: type[ChatParser], path: Path, head: bytes) -> float:
    """A sniffer that trips over hostile bytes (deep nesting, odd encodings) just does not claim the file."""
    try:
        return parser.sniff(path, head)
    except (ValueError, RecursionError, LookupError, TypeError):
        log.debug("sniffer %s failed on %s", parser.name, path)
        return 0.0


def _wide_text(head: bytes) -> bool:
    """UTF-16 or UTF-32 by its BOM, or by the NUL bytes that pad every ASCII character without one."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return True
    sample = head[:4096]
    return sample.count(0) > len(sample) // 3


def detect_format(path: Path) -> str:
    """The best parser's name for a file, or InputError naming the file when none fits."""
    _load_builtin()
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    if not head.strip():
        raise InputError("empty file", where=str(path))
    scored = sorted(((_sniff(parser, path, head) + (0.05 if path.suffix.lower() in parser.extensions else 0.0),
                      name) for name, parser in _PARSERS.items()), reverse=True)
    if not scored or scored[0][0] < 0.3:
        if is_zip(head):  # an unreadable zip, or one without any export the parsers know
            raise no_export_error(path)
        if _wide_text(head):  # e.g. a JSONL saved by Windows PowerShell (UTF-16 with a BOM)
            raise InputError("UTF-16 or UTF-32 text, not recognised as a chat export; save it as UTF-8 and retry",
                             where=str(path))
        raise InputError(f"not a recognised chat export (formats: {', '.join(formats())})", where=str(path))
    return scored[0][1]


def not_a_file(path: Path) -> ErrorReport | None:
    """The error record for an input that is missing or not a regular file, else None: a pipe without
    a writer would block for ever and /dev/zero never ends, so neither is opened."""
    if not path.exists():
        return ErrorReport(error=ErrorInfo(type="FileNotFoundError", message=f"{path}: no such file"))
    if not path.is_file() and not path.is_dir():  # a folder: open() says so with its own error
        return ErrorReport(error=ErrorInfo(type="InputError", message=f"{path}: not a regular file (a pipe, "
                                           "device or socket); save the export to a file first"))
    return None


def parse_file(path: Path, fmt: str = "auto", options: ParseOptions | None = None,
               ) -> Iterator[dict[str, Any] | ErrorReport]:
    """Conversations from one file; a file that cannot be read becomes one ErrorReport."""
    _load_builtin()
    options = options or ParseOptions()
    if fmt != "auto" and fmt not in _PARSERS:
        raise UsageError(f"unknown format {fmt!r}; choose auto or one of {', '.join(formats())}")
    missing = not_a_file(path)
    if missing is not None:
        yield missing
        return
    try:
        with open(path, "rb") as fh:
            if not fh.read(HEAD_BYTES).strip():
                log.warning("empty file skipped: %s", path)  # zero conversations, not an error
                return
        big = path.stat().st_size > MAX_EXPORT_BYTES
        if big and not is_zip_file(path):
            raise InputError(f"larger than {MAX_EXPORT_BYTES} bytes", where=str(path))
        if fmt == "auto" and options.columns:  # the user named columns: a generic table or message list
            fmt = "messages_jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "csv"
        name = detect_format(path) if fmt == "auto" else fmt
        if big and ".zip" not in _PARSERS[name].extensions:  # archive readers cap each member instead
            raise InputError(f"larger than {MAX_EXPORT_BYTES} bytes", where=str(path))
        for item in _PARSERS[name]().parse(path, options):
            if isinstance(item, dict):
                item.setdefault("_source", mend_surrogates(str(path)))  # a name that is not UTF-8 stays writable
            yield item
    except InputError as exc:
        yield ErrorReport(error=ErrorInfo(type="InputError", message=str(exc)))
    except UsageError:
        raise  # the caller's mistake (a bad option), not this file's
    except OSError as exc:
        yield ErrorReport(error=ErrorInfo(type="OSError", message=f"{path}: cannot read ({exc.strerror})"))
    except (UnicodeDecodeError, ValueError) as exc:
        yield ErrorReport(error=ErrorInfo(type=type(exc).__name__, message=f"{path}: unreadable content"))
    except RecursionError:
        yield ErrorReport(error=ErrorInfo(type="InputError", message=f"{path}: nested too deeply"))
    except Exception as exc:  # a parser bug costs this file only, never the batch; never echo the content
        log.debug("parser failed on %s", path, exc_info=True)
        message = f"{path}: could not be read ({type(exc).__name__}); please report it"
        yield ErrorReport(error=ErrorInfo(type="InternalError", message=message))
