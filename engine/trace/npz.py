"""Writing a trace's ``.npz`` files: zip archives of ``.npy`` entries, byte for byte what
``np.savez`` would write but with a fixed timestamp, so the same arrays give the same bytes.

Two writers give identical bytes for uncompressed files: ``write_npz_zipfile`` (through
``zipfile``; the only one that deflates) and ``write_npz_stored``, which packs the zip
records itself because uncompressed chunks hold thousands of small arrays and
``zipfile``'s per-entry cost dominates there.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np

from ..atomic import atomic_path

#: every entry's modification time (zip's earliest), so no clock time reaches the file
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_ZIP_DOSDATE = (ZIP_EPOCH[0] - 1980) << 9 | ZIP_EPOCH[1] << 5 | ZIP_EPOCH[2]
_ZIP_DOSTIME = ZIP_EPOCH[3] << 11 | ZIP_EPOCH[4] << 5 | ZIP_EPOCH[5] // 2
# "made by" Unix; the versions needed to extract that zipfile writes
_ZIP_UNIX, _ZIP_VERSION, _ZIP64_VERSION = 3, 20, 45
_NO_SIZE = 0xFFFFFFFF  # a 32-bit field whose value is in the zip64 extra field instead


def write_npz(path: Path, arrays: dict[str, np.ndarray], compress: bool) -> None:
    """``arrays`` as the .npz ``path`` (key ``k`` -> entry ``k.npy``), written atomically."""
    with atomic_path(path) as tmp:
        if compress:
            write_npz_zipfile(tmp, arrays, compress=True)
        else:
            write_npz_stored(tmp, arrays)


def write_npz_zipfile(path: Path, arrays: dict[str, np.ndarray], compress: bool) -> None:
    """The .npz through ``zipfile``, streaming each array into its entry."""
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=method, allowZip64=True) as zf:
        for key, arr in arrays.items():
            info = zipfile.ZipInfo(key + ".npy", date_time=ZIP_EPOCH)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            if compress:
                info._compresslevel = 1  # fast deflate: traces are mostly float noise
            arr = np.ascontiguousarray(arr)
            size = len(npy_header(arr)) + arr.nbytes
            with zf.open(info, "w", force_zip64=size > zipfile.ZIP64_LIMIT) as f:
                np.lib.format.write_array(f, arr, allow_pickle=False)


_NPY_HEADERS: dict[tuple, bytes] = {}


def npy_header(arr: np.ndarray) -> bytes:
    """The header ``np.lib.format.write_array`` puts before a C-contiguous ``arr``."""
    k = (arr.dtype, arr.shape)
    h = _NPY_HEADERS.get(k)
    if h is None:
        fmt = np.lib.format
        buf = io.BytesIO()
        d = fmt.header_data_from_array_1_0(arr)
        try:
            fmt.write_array_header_1_0(buf, d)
        except ValueError:  # too long for version 1.0 (as write_array then does)
            buf = io.BytesIO()
            fmt.write_array_header_2_0(buf, d)
        h = buf.getvalue()
        if len(_NPY_HEADERS) < 10_000:
            _NPY_HEADERS[k] = h
    return h


def write_npz_stored(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """The same bytes as ``write_npz_zipfile(path, arrays, compress=False)``, without
    zipfile's per-entry cost (an entry's header is written once, its CRC computed
    first, small entries share buffered writes). Zip64 records where zipfile writes them."""
    central = []
    with open(path, "wb", buffering=1 << 20) as f:
        offset = 0
        for key, arr in arrays.items():
            arr = np.ascontiguousarray(arr)
            if arr.dtype.hasobject:
                raise ValueError("object arrays cannot be saved in a trace")
            header = npy_header(arr)
            data = arr.reshape(-1).view(np.uint8)
            crc = zlib.crc32(data, zlib.crc32(header))
            size = len(header) + arr.nbytes
            name, flags = _entry_name(key + ".npy")
            local = _local_header(name, flags, crc, size)
            f.write(local)
            f.write(header)
            f.write(data)
            central.append((name, flags, crc, size, offset))
            offset += len(local) + size
        start = offset
        for entry in central:
            record = _central_header(*entry)
            f.write(record)
            offset += len(record)
        f.write(_end_records(len(central), start, offset))


def _entry_name(name: str) -> tuple[bytes, int]:
    """(encoded name, flag bits): ASCII as is, else UTF-8 with the language flag, as zipfile."""
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), 0x800


def _local_header(name: bytes, flags: int, crc: int, size: int) -> bytes:
    """An entry's local file header (stored: compressed size = size)."""
    zip64 = size > zipfile.ZIP64_LIMIT
    version = _ZIP64_VERSION if zip64 else _ZIP_VERSION
    extra = struct.pack("<HHQQ", 1, 16, size, size) if zip64 else b""
    fixed = _NO_SIZE if zip64 else size
    return struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", version, 0, flags, 0, _ZIP_DOSTIME,
                       _ZIP_DOSDATE, crc, fixed, fixed, len(name), len(extra)) + name + extra


def _central_header(name: bytes, flags: int, crc: int, size: int, at: int) -> bytes:
    """An entry's central directory record; ``at`` is its local header's offset."""
    limit = zipfile.ZIP64_LIMIT
    fields = ([size, size] if size > limit else []) + ([at] if at > limit else [])
    extra = struct.pack("<HH" + "Q" * len(fields), 1, 8 * len(fields), *fields) \
        if fields else b""
    # zipfile marks an entry zip64 in the central directory for a large offset too
    version = _ZIP64_VERSION if fields else _ZIP_VERSION
    fixed = _NO_SIZE if size > limit else size
    return struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", version, _ZIP_UNIX, version, 0, flags,
                       0, _ZIP_DOSTIME, _ZIP_DOSDATE, crc, fixed, fixed, len(name), len(extra),
                       0, 0, 0, 0o644 << 16, _NO_SIZE if at > limit else at) + name + extra


def _end_records(count: int, start: int, end: int) -> bytes:
    """The end of central directory record (and zip64's two, when a count or an offset
    does not fit): ``count`` entries, directory from ``start`` to ``end``."""
    size = end - start
    out = b""
    if count > zipfile.ZIP_FILECOUNT_LIMIT or start > zipfile.ZIP64_LIMIT or \
            size > zipfile.ZIP64_LIMIT:
        out += struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, _ZIP64_VERSION, _ZIP64_VERSION,
                           0, 0, count, count, size, start)
        out += struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
        count, size, start = min(count, 0xFFFF), min(size, _NO_SIZE), min(start, _NO_SIZE)
    return out + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, start, 0)
