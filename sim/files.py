"""Files a user names: TOML inputs read, and output paths checked before any work starts.

Every way a named file can be wrong (missing, a directory, a symlink loop, a device or pipe, too
large, not UTF-8, not TOML) is one `InputError` line naming the file; an output path that cannot be
written is refused before the work whose result it would hold, never after.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from sim.errors import InputError

_UMASK = os.umask(0o022)  # reading the umask sets it: put it back at once (here, at import, no thread races)
os.umask(_UMASK)

#: The largest input file read (a design, spec or funnel is a few kilobytes; [[points]] lists more).
MAX_BYTES = 16 * 1024 * 1024


def _why(err: OSError) -> str:
    """An operating-system error as a few words (no path: the caller names the file)."""
    if err.errno == errno.ELOOP:
        return "is a symlink loop"
    if err.errno == errno.ENOENT:
        return "not found"
    if err.errno == errno.ENOTDIR:
        return "not found (a part of its path is a file, not a folder)"
    if err.errno == errno.EISDIR:
        return "is a folder, not a file"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read (permission denied)"
    if err.errno == errno.ENAMETOOLONG:
        return "has a name too long for the file system"
    return f"cannot be read ({err.strerror or err})"


def read_text(path: str | Path, what: str, max_bytes: int | None = MAX_BYTES) -> str:
    """The text of a user's input file; `what` ("design file", "spec file", ...) names it in errors.

    Only a regular file is read (a folder, a pipe or a device never is: reading one would fail or never
    end), at most `max_bytes` (None: any size), as UTF-8; a leading byte-order mark is dropped, as
    editors write one.
    """
    path = Path(path)
    try:
        info = path.stat()
    except OSError as err:
        raise InputError(f"{path}: {what} {_why(err)}") from None
    except ValueError:  # an embedded NUL byte
        raise InputError(f"{str(path)!r}: {what} name is invalid (it holds a NUL byte)") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: {what} is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: {what} is not a regular file (a pipe, socket or device)")
    if max_bytes is not None and info.st_size > max_bytes:
        raise InputError(f"{path}: {what} is {info.st_size:,} bytes (allowed: at most {max_bytes:,} bytes)")
    try:
        with path.open("rb") as file:
            data = file.read() if max_bytes is None else file.read(max_bytes + 1)
    except OSError as err:
        raise InputError(f"{path}: {what} {_why(err)}") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(f"{path}: {what} is larger than {max_bytes:,} bytes (allowed: at most that)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(
            f"{path}: {what} is not UTF-8 text (byte {err.start} is 0x{data[err.start]:02x}; "
            f"allowed: UTF-8 text)"
        ) from None
    return text.removeprefix("\ufeff")


def read_toml(path: str | Path, what: str) -> dict[str, Any]:
    """A user's TOML file as a dict (see `read_text`); bad syntax is one line naming file and place."""
    text = read_text(path, what)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{path}: malformed TOML ({one_line(str(err))})") from None
    except RecursionError:
        raise InputError(f"{path}: malformed TOML (arrays or tables nested too deeply)") from None


def one_line(text: str) -> str:
    """`text` with line breaks shown as `\\n`, so a message stays one line whatever a value holds."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _existing_ancestor(path: Path, flag: str) -> Path:
    """The nearest folder above `path` that exists; a file on the way is an error."""
    for parent in path.absolute().parents:
        try:
            info = parent.stat()
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as err:
            raise InputError(f"{flag} {path}: {parent} {_why(err)}") from None
        if not stat.S_ISDIR(info.st_mode):
            raise InputError(
                f"{flag} {path}: {parent} is a file, not a folder (allowed: a path under a folder)"
            )
        return parent
    raise InputError(f"{flag} {path}: no folder on its path exists")


def _probe(folder: Path, flag: str, path: Path) -> None:
    """Prove that `folder` takes new files by making (and at once deleting) a temporary one."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as err:
        reason = (
            "permission denied" if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS) else err.strerror
        )
        raise InputError(f"{flag} {path}: cannot write in {folder} ({reason})") from None


def check_out_file(path: str | Path, flag: str = "--out", suffix: str = "") -> Path:
    """An output file that can be written: its folder exists and takes files, and it is not a folder.

    Checked before the work whose result it will hold; an existing regular file is replaced.
    """
    path = Path(path)
    if suffix and path.suffix != suffix:
        raise InputError(f"{flag} {path}: the file name must end in {suffix}")
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as err:
        if err.errno == errno.ENOTDIR:
            _existing_ancestor(path, flag)
        raise InputError(f"{flag} {path}: {_why(err)}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise InputError(f"{flag} {path}: is a folder (allowed: a file path)")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise InputError(f"{flag} {path}: is not a regular file (allowed: a new or regular file)")
    parent = path.absolute().parent
    try:
        parent_info = parent.stat()
    except OSError as err:
        if err.errno in (errno.ENOENT, errno.ENOTDIR):
            _existing_ancestor(path, flag)  # a file on the way is named as such
            raise InputError(
                f"{flag} {path}: folder {path.parent} does not exist (create it first)"
            ) from None
        raise InputError(f"{flag} {path}: {path.parent} {_why(err)}") from None
    if not stat.S_ISDIR(parent_info.st_mode):
        raise InputError(f"{flag} {path}: {path.parent} is a file, not a folder")
    _probe(parent, flag, path)
    return path


def check_out_dir(path: str | Path, flag: str = "--out") -> Path:
    """An output folder that exists and takes files, or can be created under one that does."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as err:
        if err.errno == errno.ENOTDIR:
            _existing_ancestor(path, flag)
        raise InputError(f"{flag} {path}: {_why(err)}") from None
    if info is not None:
        if not stat.S_ISDIR(info.st_mode):
            raise InputError(f"{flag} {path}: is a file, not a folder (allowed: a new or existing folder)")
        _probe(path, flag, path)
        return path
    _probe(_existing_ancestor(path, flag), flag, path)
    return path


def write_text(path: Path, text: str) -> None:
    """Write `text` atomically: a temporary file beside `path`, renamed over it (never a half file).
    The file gets the mode `open` would give it (mkstemp's is private, 0600: a report or a fitted
    design file another user on the machine could not read)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.absolute().parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
