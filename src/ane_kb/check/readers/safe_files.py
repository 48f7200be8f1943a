"""Opening the files of a model safely, for every reader.

A model from an untrusted source must never make the checker read outside the folder it was given, nor
hang on it. So:
- `kind_of` refuses special files (FIFOs, devices, sockets) before anything opens them;
- `inside` resolves a name a package gives (a manifest entry, a blob file) with its symlinks, and refuses
  it when it leaves the package, or when it cannot be a file name at all;
- `open_regular` opens without blocking and checks, on the open file, that it is a regular file;
- `read_regular` reads a whole file, bounded.

Every refusal is a ModelInputError with one line for the user.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from ..printable import printable
from . import ModelInputError

SPEC_LIMIT = 2**31 - 1  # protobuf cannot parse a message of 2 GiB or more
NAME_SHOWN = 80


def shown_name(name: str) -> str:
    """A name from a package as it appears in an error: escaped, and cut when very long."""
    text = printable(name)
    return text if len(text) <= NAME_SHOWN else text[:NAME_SHOWN] + "…"


def _reason(exc: OSError) -> str:
    return os.strerror(exc.errno) if exc.errno else str(exc)


def kind_of(path: Path, part: str = "file") -> str:
    """"file" or "folder" (symlinks followed); a special file, or one that cannot be looked at, is refused."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ModelInputError("missing") from None
    except (OSError, ValueError) as exc:
        reason = _reason(exc) if isinstance(exc, OSError) else "the name holds a NUL byte"
        raise ModelInputError("unreadable", part=part, reason=reason) from None
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    raise ModelInputError("special", part=part)


def inside(root: Path, name: str, item: str | None = None) -> Path:
    """`root / name` with every symlink resolved; refused unless it stays inside `root` (itself resolved).
    `item` is how the name is shown in the error (default: the name)."""
    shown = shown_name(item if item is not None else name)
    if not name or "\x00" in name:
        raise ModelInputError("bad_name", item=shown)
    try:
        base = root.resolve()
        resolved = (base / name).resolve()
    except (OSError, RuntimeError, ValueError):
        raise ModelInputError("bad_name", item=shown) from None
    if resolved != base and not resolved.is_relative_to(base):
        raise ModelInputError("outside", item=shown)
    return resolved


def exists(path: Path) -> bool:
    """Whether a confined path exists; a name the file system refuses (too long, a loop) is an input error."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        return False
    except OSError as exc:
        if exc.errno in (errno.ENAMETOOLONG, errno.ELOOP):
            raise ModelInputError("bad_name", item=shown_name(path.name)) from None
        raise ModelInputError("unreadable", part=shown_name(path.name), reason=_reason(exc)) from None
    return True


def open_regular(path: Path, part: str = "file") -> BinaryIO:
    """The file opened for reading. It is opened without blocking (a FIFO put there after a check cannot
    hang the open) and refused unless it is a regular file. FileNotFoundError passes through."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as exc:
        reason = _reason(exc) if isinstance(exc, OSError) else "the name holds a NUL byte"
        raise ModelInputError("unreadable", part=part, reason=reason) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ModelInputError("special", part=part)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path, part: str = "file", limit: int = SPEC_LIMIT) -> bytes:
    """The whole file, if it is a regular file of at most `limit` bytes."""
    try:
        with open_regular(path, part) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise ModelInputError("too_large", part=part, limit=f"{limit:,}")
            data = handle.read(min(size + 1, limit))  # at most 2**31 - 1: a 32-bit build (Pyodide) reads no more
    except FileNotFoundError:
        raise ModelInputError("missing") from None
    except OSError as exc:
        raise ModelInputError("unreadable", part=part, reason=_reason(exc)) from None
    if len(data) > size and len(data) >= limit:
        raise ModelInputError("too_large", part=part, limit=f"{limit:,}")
    return data
