"""Writing an .xlsx package (a zip of XML parts) part by part, without compressing twice.

Parts taken from another package keep their compressed bytes as they are; new parts are deflated
once, as they are generated. Used where a workbook is saved once and then completed or copied
many times (RESULT.xlsx's long sheets, a template per unit).
"""

import struct
import zlib
from dataclasses import dataclass
from zipfile import ZIP_DEFLATED, ZipFile

_DOS_TIME = (2026 - 1980) << 25 | 1 << 21 | 1 << 16  # 2026-01-01 00:00: a part's time means nothing here
_LOCAL = struct.Struct("<4sHHHIIIIHH")
_CENTRAL = struct.Struct("<4sHHHHIIIIHHHHHII")
_END = struct.Struct("<4sHHHHIIH")
LIMIT = 0xFFFFFFFF  # no zip64: parts and packages stay below 4 GB


@dataclass(frozen=True)
class Part:
    name: str
    deflated: bytes  # raw deflate stream, as a zip member holds it
    crc: int
    size: int  # uncompressed


def deflate(data: bytes, name: str) -> Part:
    return deflate_chunks([data], name)


def deflate_chunks(chunks, name: str, final: bool = True) -> Part:
    """A part from a stream of byte chunks, compressed as they come. With final=False the stream
    ends on a byte boundary without its last block, so that join() can put another after it."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    out, crc, size = [], 0, 0
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
        out.append(packer.compress(chunk))
    out.append(packer.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH))
    return Part(name, b"".join(out), crc, size)


def join(name: str, *pieces: Part) -> Part:
    """One part from pieces compressed apart (all but the last with final=False): deflate streams
    concatenate, and their checksums combine."""
    crc, size = 0, 0
    for piece in pieces:
        crc = crc32_combine(crc, piece.crc, piece.size)
        size += piece.size
    return Part(name, b"".join(p.deflated for p in pieces), crc, size)


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A+B from crc(A), crc(B) and len(B) (zlib's crc32_combine, which Python's zlib
    module does not expose): crc1 is advanced over len2 zero bytes by squaring GF(2) matrices."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # the operator for one zero bit
    even = _square(odd)  # two zero bits
    odd = _square(even)  # four zero bits
    while len2:
        even = _square(odd)  # the first pass: one zero byte
        if len2 & 1:
            crc1 = _times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _square(even)
        if len2 & 1:
            crc1 = _times(odd, crc1)
        len2 >>= 1
    return crc1 ^ crc2


def _times(matrix, vector) -> int:
    out, i = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[i]
        vector >>= 1
        i += 1
    return out


def _square(matrix) -> list:
    return [_times(matrix, row) for row in matrix]


def inflate(part: Part) -> bytes:
    return zlib.decompress(part.deflated, -15)


def parts_of(source) -> list:
    """The parts of a zip package (a path or a binary file), in order, still compressed."""
    parts = []
    with ZipFile(source) as zf:
        fh = zf.fp
        assert fh is not None  # an open ZipFile reads its file
        for info in zf.infolist():
            if info.compress_type != ZIP_DEFLATED:
                parts.append(deflate(zf.read(info), info.filename))
                continue
            fh.seek(info.header_offset)
            header = fh.read(_LOCAL.size)
            name_len, extra_len = struct.unpack("<HH", header[26:30])
            fh.seek(info.header_offset + _LOCAL.size + name_len + extra_len)
            parts.append(Part(info.filename, fh.read(info.compress_size), info.CRC, info.file_size))
    return parts


def write_package(fh, parts) -> None:
    """Write the parts as a zip archive to a binary file."""
    directory, offset = [], 0
    for part in parts:
        if part.size > LIMIT or len(part.deflated) > LIMIT or offset > LIMIT:
            raise ValueError(f"{part.name}: part too large for a package without zip64")
        name = part.name.encode("utf-8")
        fh.write(_LOCAL.pack(b"PK\x03\x04", 20, 0, ZIP_DEFLATED, _DOS_TIME, part.crc, len(part.deflated),
                             part.size, len(name), 0) + name)
        fh.write(part.deflated)
        directory.append(_CENTRAL.pack(b"PK\x01\x02", 20, 20, 0, ZIP_DEFLATED, _DOS_TIME, part.crc,
                                       len(part.deflated), part.size, len(name), 0, 0, 0, 0, 0, offset) + name)
        offset += _LOCAL.size + len(name) + len(part.deflated)
    for entry in directory:
        fh.write(entry)
    fh.write(_END.pack(b"PK\x05\x06", 0, 0, len(directory), len(directory), sum(map(len, directory)), offset, 0))

