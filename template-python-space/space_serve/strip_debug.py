# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Build step, run on /opt/serving only: drops from ELF shared libraries what the dynamic loader never reads
(debug info, symbol tables, section headers), as `sstrip` does. uvloop's wheel ships 16 MB of debug info
around 1.8 MB of code, and the slim base image has no binutils `strip`.

    python strip_debug.py FOLDER...
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

_ELF64_LITTLE = b"\x7fELF\x02\x01"
_PROGRAM_HEADER = struct.Struct("<IIQQQQQQ")  # type, flags, offset, vaddr, paddr, filesz, memsz, align


def loaded_size(data: bytes) -> int | None:
    """Bytes from the file's start that the loader maps (the ELF header, program headers and every segment),
    or None when this is not a 64-bit little-endian ELF file."""
    if not data.startswith(_ELF64_LITTLE) or len(data) < 64:
        return None
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    if phnum == 0 or phentsize < _PROGRAM_HEADER.size or phoff + phnum * phentsize > len(data):
        return None
    end = phoff + phnum * phentsize
    for index in range(phnum):
        _, _, offset, _, _, filesz, _, _ = _PROGRAM_HEADER.unpack_from(data, phoff + index * phentsize)
        end = max(end, offset + filesz)
    return end if end <= len(data) else None


def strip(path: Path) -> int:
    """Cut `path` to its loaded size, without section headers; bytes saved (0 when nothing to drop)."""
    data = path.read_bytes()
    end = loaded_size(data)
    if end is None or end >= len(data):
        return 0
    stripped = bytearray(data[:end])
    struct.pack_into("<Q", stripped, 0x28, 0)  # e_shoff: no section header table
    struct.pack_into("<HH", stripped, 0x3C, 0, 0)  # e_shnum, e_shstrndx
    scratch = path.with_name(path.name + ".stripping")
    scratch.write_bytes(stripped)
    os.chmod(scratch, path.stat().st_mode)
    scratch.replace(path)
    return len(data) - end


def main(folders: list[str]) -> None:
    saved = sum(strip(path) for folder in folders for path in sorted(Path(folder).rglob("*.so")))
    print(f"space: {saved / 1e6:.1f} MB of debug info dropped from {', '.join(folders)}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
