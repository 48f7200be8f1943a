"""Byte ranges of a model's big files (weight blobs), read a window at a time.

A weight file can be many gigabytes, so nothing reads it whole: the precision scan asks for the byte range of one
blob and gets it back in windows of at most WINDOW bytes, each released before the next is read. Two sources give
the same interface:

- `FileRanges`, a file on disk: each window is a memory map of that part of the file (unmapped after use), or,
  where mmap is not available, read into one buffer that every window reuses;
- `CallbackRanges`, a file that is not in the file system at all: `fetch(offset, length)` returns the bytes. The
  browser page registers one for every big file of an upload (the file stays in the browser and each window is a
  `File.slice()`); the package's folder then holds an empty placeholder under the same name, so that the readers
  find the file where the package says it is.

`open_file(path)` gives the registered source for a path, or opens the file; `file_size(path)` is its size either way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

WINDOW = 64 << 20  # the most bytes of a blob held at once while it is scanned
SMALL_READ = 1 << 20  # windows up to this size are read into a buffer, not mapped
PAGE = 1 << 16  # mmap offsets are rounded down to this (a multiple of every platform's allocation granularity)


class Ranges(Protocol):
    """One big file, read by range."""

    size: int

    def read(self, offset: int, length: int) -> bytes:
        """At most `length` bytes from `offset` (fewer at the end of the file): for small reads such as headers."""

    def windows(self, start: int, length: int) -> Iterator[Any]:
        """`length` bytes from `start` as buffers of at most WINDOW bytes; each is valid until the next is asked for.
        Raises EOFError when the file ends first."""

    def close(self) -> None:
        """Release the file."""



def _spans(start: int, length: int, size: int, window: int) -> Iterator[tuple[int, int]]:
    """(offset, length) of each window of a range; EOFError when the range ends past a file of `size` bytes."""
    if start + length > size:
        raise EOFError
    end = start + length
    for at in range(start, end, window):
        yield at, min(window, end - at)

class FileRanges:
    """A regular file, already opened."""

    def __init__(self, handle: Any, window: int = WINDOW, small: int = SMALL_READ) -> None:
        self.handle, self.window, self.small = handle, window, small
        self.size = os.fstat(handle.fileno()).st_size
        self._buffer: bytearray | None = None

    def read(self, offset: int, length: int) -> bytes:
        self.handle.seek(offset)
        data: bytes = self.handle.read(length)
        return data

    def windows(self, start: int, length: int) -> Iterator[Any]:
        for at, size in _spans(start, length, self.size, self.window):
            if size <= self.small:  # a small blob is read: mapping and unmapping it would cost more
                yield self._read_into(at, size)
                continue
            if os.fstat(self.handle.fileno()).st_size < at + size:
                raise EOFError  # the file shrank since it was opened: a mapped page past its end would be fatal
            mapped = self._mapped(at, size)
            if mapped is None:
                yield self._read_into(at, size)
                continue
            whole, view = mapped
            try:
                yield view
            finally:
                try:
                    view.release()
                    whole.close()
                except BufferError:  # a caller still holds a view of it: it is unmapped when that view goes
                    pass

    def _mapped(self, at: int, size: int) -> tuple[Any, memoryview] | None:
        try:
            import mmap
        except ImportError:
            return None
        base = at - at % PAGE
        try:
            # Pages are mapped as they are first read, by the threads that count them, in parallel. MAP_POPULATE,
            # which maps a whole window up front on this thread, measured slower with one counting thread and with two.
            whole = mmap.mmap(self.handle.fileno(), size + at - base, offset=base, access=mmap.ACCESS_READ)
        except (OSError, ValueError, OverflowError):
            return None
        return whole, memoryview(whole)[at - base:at - base + size]

    def _read_into(self, at: int, size: int) -> memoryview:
        if self._buffer is None or len(self._buffer) < size:
            self._buffer = bytearray(min(self.window, max(size, 1)))
        view = memoryview(self._buffer)[:size]
        self.handle.seek(at)
        got = 0
        while got < size:
            count = self.handle.readinto(view[got:])
            if not count:
                raise EOFError
            got += count
        return view

    def close(self) -> None:
        self._buffer = None
        self.handle.close()


class CallbackRanges:
    """A file held elsewhere (the browser's File object): `fetch(offset, length)` returns up to `length` bytes."""

    def __init__(self, size: int, fetch: Callable[[int, int], Any], window: int = WINDOW) -> None:
        self.size, self.fetch, self.window = size, fetch, window

    def read(self, offset: int, length: int) -> bytes:
        length = max(0, min(length, self.size - offset))
        return bytes(self.fetch(offset, length)) if length else b""

    def windows(self, start: int, length: int) -> Iterator[Any]:
        for at, size in _spans(start, length, self.size, self.window):
            data = self.fetch(at, size)
            if len(data) < size:
                raise EOFError
            yield data
            del data

    def close(self) -> None:
        pass


_external: dict[str, CallbackRanges] = {}


def _key(path: Path) -> str:
    return os.path.normpath(os.path.abspath(path))


@contextmanager
def external(files: dict[str, CallbackRanges]) -> Iterator[None]:
    """While inside, each path of `files` is read through its source instead of the file system."""
    added = {_key(Path(path)): source for path, source in files.items()}
    _external.update(added)
    try:
        yield
    finally:
        for key in added:
            _external.pop(key, None)


def registered(path: Path) -> CallbackRanges | None:
    return _external.get(_key(path)) if _external else None


def open_file(path: Path, shown: str) -> Ranges:
    """The file's ranges; FileNotFoundError and ModelInputError (a special file) pass through."""
    source = registered(path)
    if source is not None:
        return source
    from .readers.safe_files import open_regular

    return FileRanges(open_regular(path, shown))


def file_size(path: Path) -> int:
    """The size of a file, a registered source's own size for a placeholder."""
    source = registered(path)
    return source.size if source is not None else path.stat().st_size
