"""Reading a user's input file (an export, a stack file, a policy config, `Pulumi.yaml`) defensively.

The rule: preflight reads **regular files and pipes** only, at most `limit` bytes, as UTF-8 text.

- A regular file larger than its limit is refused before it is read.
- A pipe is read as its writer writes it: `--policy-config <(cmd)` and `--export <(pulumi stack export)`
  (the shell passes `/dev/fd/N`, a pipe whose writer is `cmd`) work, and so does a named FIFO that
  something writes to. The pipe is opened without waiting for a writer (O_NONBLOCK) and polled: when
  nothing arrives for `PIPE_TIMEOUT` seconds (env `PREFLIGHT_PIPE_TIMEOUT`, default 30) — a FIFO nobody
  writes to, or a writer that stalls — the read stops with an error instead of blocking forever.
- Folders, devices (`/dev/zero`, a terminal), sockets and anything else are refused by kind; a
  symbolic-link loop or a missing file is reported with the operating system's reason.
- The text must be UTF-8 (a UTF-8 byte-order mark is dropped from YAML, refused in JSON as Go refuses
  it): a UTF-16 file, a latin-1 byte, a NUL byte or an encoded surrogate is refused with the line and
  column of the first bad byte.
Every refusal is an InputError naming the file (exit status 2).
"""
from __future__ import annotations

import codecs
import errno
import os
import select
import stat
import time
from typing import Optional

from ..errors import InputError

PIPE_TIMEOUT = float(os.environ.get("PREFLIGHT_PIPE_TIMEOUT", "30"))
MIB = 1024 * 1024
_CHUNK = 1024 * 1024


def display_path(path: str) -> str:
    """An input's path as messages show it: relative to the working directory when it lies below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def _size_text(n: int) -> str:
    return f"{n // MIB} MiB" if n >= MIB else f"{n} bytes"


def input_file_problem(path, what: str) -> Optional[str]:
    """Why `path` cannot be read as an input (by the rule above), without opening it (a FIFO is not
    waited for here); None when it is a regular file or a pipe."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return f"{what} not found: {path}"
    except OSError as e:
        return f"cannot read {what} {path}: {e.strerror or e}"
    if stat.S_ISREG(mode) or stat.S_ISFIFO(mode):
        return None
    return f"cannot read {what} {path}: it is {_kind_of(mode)} (preflight reads regular files and pipes)"


def _kind_of(mode: int) -> str:
    return ("a folder" if stat.S_ISDIR(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")


def read_input_bytes(path, what: str, limit: int) -> bytes:
    """The bytes of the regular file or pipe at `path` (see the module's rule)."""
    name = str(path)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"{what} not found: {name}") from None
    except OSError as e:
        raise InputError(f"cannot read {what} {name}: {e.strerror or e}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISREG(mode):
            size = os.fstat(fd).st_size
            if size > limit:
                raise InputError(f"{what} is {_size_text(size)}, more than the {_size_text(limit)} "
                                 f"preflight reads", source=name)
            return _read_regular(fd, name, what, limit)
        if stat.S_ISFIFO(mode):
            return _read_pipe(fd, name, what, limit)
        raise InputError(f"cannot read {what} {name}: it is {_kind_of(mode)} (preflight reads regular files "
                         f"and pipes)")
    finally:
        os.close(fd)


def _read_regular(fd: int, name: str, what: str, limit: int) -> bytes:
    chunks, total = [], 0
    while True:
        try:
            chunk = os.read(fd, _CHUNK)
        except OSError as e:
            raise InputError(f"cannot read {what} {name}: {e.strerror or e}") from None
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limit:  # grew while being read
            raise InputError(f"{what} is more than the {_size_text(limit)} preflight reads", source=name)
        chunks.append(chunk)


def _read_pipe(fd: int, name: str, what: str, limit: int) -> bytes:
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    chunks, total = [], 0
    last_data = time.monotonic()
    while True:
        remaining = PIPE_TIMEOUT - (time.monotonic() - last_data)
        # A FIFO with no writer yet reports no event (and reads as end-of-file): only an event counts.
        if remaining <= 0 or not poller.poll(max(1, int(remaining * 1000))):
            if time.monotonic() - last_data >= PIPE_TIMEOUT:
                said = "nothing" if not chunks else "nothing more"
                raise InputError(f"{said} arrived on the {what} pipe for {PIPE_TIMEOUT:g} s "
                                 f"(is anything writing to it?)", source=name)
            continue
        try:
            chunk = os.read(fd, _CHUNK)
        except BlockingIOError:
            continue
        except OSError as e:
            if e.errno == errno.EINTR:
                continue
            raise InputError(f"cannot read {what} {name}: {e.strerror or e}") from None
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limit:
            raise InputError(f"{what} is more than the {_size_text(limit)} preflight reads", source=name)
        chunks.append(chunk)
        last_data = time.monotonic()


def decode_utf8(data: bytes, name: str, what: str, *, bom_allowed: bool) -> str:
    """`data` as text; InputError naming the first byte that is not UTF-8 (with its line and column).
    A UTF-8 byte-order mark is dropped where allowed (YAML allows it; JSON, and Go's encoding/json with
    it, does not)."""
    if data.startswith(codecs.BOM_UTF8):
        if not bom_allowed:
            raise InputError(f"{what} starts with a UTF-8 byte-order mark, which JSON does not allow "
                             f"(save it without one)", source=name)
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or data.startswith(
            (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InputError(f"{what} is UTF-16 or UTF-32 text; preflight reads UTF-8 (convert it, "
                         f"e.g. `iconv -f UTF-16 -t UTF-8`)", source=name)
    nul = data.find(b"\x00")
    if nul >= 0:  # valid UTF-8, but neither JSON nor YAML allows it: UTF-16 text without a byte-order mark?
        line, column = data.count(b"\n", 0, nul) + 1, nul - data.rfind(b"\n", 0, nul)
        raise InputError(f"{what} holds a NUL byte (line {line}, column {column}), which neither JSON nor YAML "
                         f"allows: is it UTF-16 text without a byte-order mark? preflight reads UTF-8",
                         source=name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, column = data.count(b"\n", 0, e.start) + 1, e.start - data.rfind(b"\n", 0, e.start)
        raise InputError(f"{what} is not UTF-8 text: byte 0x{data[e.start]:02x} at line {line}, "
                         f"column {column}", source=name) from None


def read_input_text(path, what: str, limit: int, *, bom_allowed: bool) -> str:
    """The UTF-8 text of the regular file or pipe at `path` (see the module's rule)."""
    return decode_utf8(read_input_bytes(path, what, limit), str(path), what, bom_allowed=bom_allowed)
