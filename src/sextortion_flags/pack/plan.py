"""Which packs to write and what goes in each: the input files, their names under `original/`,
and the refusals that protect the originals (no pack inside an input folder or over an input)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sextortion_flags.errors import UsageError
from sextortion_flags.models import ErrorInfo, ErrorReport
from sextortion_flags.pack.archive import safe_member


@dataclass
class Case:
    """One pack: its destination, the files to copy (source, zip member) and inputs that yielded none."""

    target: Path
    files: list[tuple[Path, str]] = field(default_factory=list)
    errors: list[ErrorReport] = field(default_factory=list)


def _walk(path: Path) -> list[Path]:
    from sextortion_flags.cli import _input_files  # the same files `scan` reads in a folder

    return list(_input_files([str(path)]))


def _unique(name: str, used: set[str]) -> str:
    """`name`, or `name-2`… when taken; compared case-insensitively, as Windows and macOS unzip:
    `a/chat.txt` and `b/Chat.txt` as `original/chat.txt` and `original/Chat.txt` would overwrite
    each other there and the manifest check would fail."""
    candidate, n = name, 1
    path = PurePosixPath(name)
    while candidate.casefold() in used:
        n += 1
        candidate = str(path.with_name(f"{path.stem}-{n}{path.suffix}"))
    used.add(candidate.casefold())
    return candidate


def _members(given: Path, files: list[Path], used: set[str]) -> list[tuple[Path, str]]:
    """`original/<file name>` for a file; `original/<folder>/<path inside it>` for a folder's files."""
    if not given.is_dir():
        return [(f, _unique(safe_member(f"original/{f.name}"), used)) for f in files]
    root = given.resolve()
    return [(f, _unique(safe_member(f"original/{root.name or 'input'}/{f.resolve().relative_to(root).as_posix()}"),
                        used)) for f in files]


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _refuse_unsafe(destination: Path, inputs: list[Path], files: list[Path]) -> None:
    for given in inputs:
        if given.is_dir() and _inside(destination, given):
            raise UsageError(f"{destination}: a pack is never written inside an input folder ({given}); "
                             "choose another place for -o")
    if any(f.resolve() == destination.resolve() for f in files):
        raise UsageError(f"{destination}: that is an input file; a pack never overwrites an original")


def _refuse_special(target: Path) -> None:
    """A pack is renamed over its destination: over /dev/null (as root) or a named pipe, that would
    replace the device or the pipe itself with the zip."""
    if target.exists() and not target.is_file() and not target.is_dir():
        raise UsageError(f"{target}: not a regular file (a device or a pipe); a pack is a zip file, "
                         "give -o a file name or a folder")


def _empty_folder(given: Path, files: list[Path]) -> list[ErrorReport]:
    if files or not given.is_dir():
        return []
    return [ErrorReport(error=ErrorInfo(type="InputError", message=f"{given}: no chat export files in this folder"))]


def _path_key(path: Path) -> str:
    """A path as a case-insensitive file system (Windows, macOS) tells it apart."""
    return str(path.resolve()).casefold()


def _pack_name(given: Path, folder: Path, taken: set[str]) -> Path:
    base = given.resolve().name if given.is_dir() else Path(given.name).stem
    candidates = [f"{base}.zip", f"{base}-pack.zip", *(f"{base}-pack-{n}.zip" for n in range(2, 10_000))]
    target = next(folder / c for c in candidates if _path_key(folder / c) not in taken)
    taken.add(_path_key(target))
    return target


def plan(inputs: list[Path], output: Path, *, per_input: bool) -> list[Case]:
    """One case for all inputs (`-o case.zip`), or one per input in the folder `output`."""
    walked = [(given, _walk(given)) for given in inputs]
    every_file = [f for _, files in walked for f in files]
    _refuse_unsafe(output, inputs, every_file)
    if not per_input:
        case, used, seen = Case(output), set[str](), set[Path]()
        for given, files in walked:
            fresh = [f for f in files if f.resolve() not in seen]  # a file given twice is packed once
            seen.update(f.resolve() for f in fresh)
            case.files += _members(given, fresh, used)
            case.errors += _empty_folder(given, files)
        cases = [case]
    else:
        taken = {_path_key(f) for f in every_file}
        cases = [Case(_pack_name(given, output, taken), _members(given, files, set()), _empty_folder(given, files))
                 for given, files in walked]
    for case in cases:
        _refuse_special(case.target)
    return cases
