"""MNIST: the bundled 5000-digit subset and a reader for standard IDX files.

The bundled subset (``assets/mnist_5k.npz``, see ``assets/README.md``) holds 500 digits of each
class, stored SORTED BY LABEL (0s first, 9s last): shuffle before taking a slice or a split.

IDX, the format of the original MNIST files (all integers big-endian)::

    bytes 0-1   0x0000
    byte  2     element type, 0x08 = unsigned byte
    byte  3     number of dimensions d (1 for labels, 3 for images)
    then        d uint32 sizes, then prod(sizes) bytes of data in C order

hence the magic numbers 0x00000801 (labels, (N,)) and 0x00000803 (images, (N, rows, cols)).
"""
from __future__ import annotations

import gzip
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .assets import asset
from .errors import ConfigError, NnanimError

__all__ = ["DataError", "DEFAULT_PATH", "load_mnist_subset", "load_idx", "load_mnist_idx",
           "prepare"]

DEFAULT_PATH = asset("mnist_5k.npz")

_IDX_LABELS, _IDX_IMAGES = 0x00000801, 0x00000803
_GZIP_MAGIC = b"\x1f\x8b"


class DataError(NnanimError):
    """A data file is missing, corrupt or not what it claims to be."""


def load_mnist_subset(path: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Load the bundled MNIST subset (or another npz with the same two arrays).

    Returns
    -------
    images : uint8 (N, 28, 28), pixel values 0..255 (0 = background); N = 5000 when bundled
    labels : int64 (N,), digits 0..9, sorted ascending in the bundled file
    """
    path = DEFAULT_PATH if path is None else Path(path)
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except FileNotFoundError:
        raise DataError(f"MNIST subset not found at {path}") from None
    except OSError as e:
        raise DataError(f"cannot read MNIST subset {path}: {_one_line(e)}") from None
    if head != b"PK\x03\x04":  # np.load would otherwise blame "pickled data" for any junk
        raise DataError(f"MNIST subset {path} is not an .npz (zip) archive")
    try:
        # allow_pickle=False: an npz is data, never code.
        with np.load(path, allow_pickle=False) as z:
            images, labels = z["images"], z["labels"]
    except FileNotFoundError:
        raise DataError(f"MNIST subset not found at {path}") from None
    except KeyError as e:
        raise DataError(f"MNIST subset {path} lacks the array {e}; expected 'images' and "
                        "'labels'") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as e:
        raise DataError(f"MNIST subset {path} is corrupt: {_one_line(e)}") from None
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise DataError(f"MNIST subset {path}: images must be uint8 (N, 28, 28), got "
                        f"{images.dtype} {images.shape}")
    if labels.shape != (len(images),) or not np.issubdtype(labels.dtype, np.integer):
        raise DataError(f"MNIST subset {path}: labels must be integers of shape ({len(images)},), "
                        f"got {labels.dtype} {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise DataError(f"MNIST subset {path}: labels must be digits 0..9, got "
                        f"[{labels.min()}, {labels.max()}]")
    return images, labels.astype(np.int64)


def load_idx(path: str | Path) -> np.ndarray:
    """Read one MNIST IDX file, gzipped or not (detected by the gzip magic bytes 1f 8b).

    Returns uint8 (N,) for a labels file (magic 0x00000801) or uint8 (N, rows, cols) for an
    images file (magic 0x00000803). Anything else, a truncated file or trailing bytes raise
    DataError with one line.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"IDX file not found: {path}") from None
    except OSError as e:
        raise DataError(f"cannot read IDX file {path}: {_one_line(e)}") from None
    if raw[:2] == _GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, ValueError) as e:   # BadGzipFile is an OSError
            raise DataError(f"IDX file {path} is a corrupt gzip: {_one_line(e)}") from None

    if len(raw) < 4:
        raise DataError(f"IDX file {path} is truncated: {len(raw)} bytes, no header")
    magic = int.from_bytes(raw[:4], "big")
    if magic not in (_IDX_LABELS, _IDX_IMAGES):
        raise DataError(f"IDX file {path} has magic 0x{magic:08x}; expected 0x00000801 "
                        "(ubyte labels) or 0x00000803 (ubyte images)")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"IDX file {path} is truncated inside its header "
                        f"({len(raw)} of {header} bytes)")
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    if ndim == 3 and (dims[1] == 0 or dims[2] == 0):
        raise DataError(f"IDX file {path} declares images of size {dims[1]}x{dims[2]}")
    expected = header + int(np.prod(dims))
    if len(raw) != expected:
        what = "truncated" if len(raw) < expected else "longer than its header says"
        raise DataError(f"IDX file {path} is {what}: {len(raw)} bytes, header {dims} implies "
                        f"{expected}")
    # .copy(): frombuffer over bytes is read-only, and callers may normalise in place.
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims).copy()


def load_mnist_idx(images_path: str | Path, labels_path: str | Path
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Read an images/labels pair of IDX files, e.g. ``train-images-idx3-ubyte.gz`` and
    ``train-labels-idx1-ubyte.gz``.

    Returns images uint8 (N, rows, cols) (28x28 for MNIST and Fashion-MNIST) and labels int64
    (N,). The label range is not checked, so sets with more than 10 classes load too.
    """
    images, labels = load_idx(images_path), load_idx(labels_path)
    if images.ndim != 3:
        raise DataError(f"{images_path} is a labels file (0x00000801), expected images")
    if labels.ndim != 1:
        raise DataError(f"{labels_path} is an images file (0x00000803), expected labels")
    if len(images) != len(labels):
        raise DataError(f"{len(images)} images in {images_path} but {len(labels)} labels in "
                        f"{labels_path}")
    return images, labels.astype(np.int64)


def prepare(images: np.ndarray, labels: np.ndarray, layout: str = "flat", scale: bool = True,
            dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    """Turn uint8 images into network inputs.

    images (N, H, W) uint8, labels (N,) ->
        layout="flat": X (N, H·W)       (784 features for MNIST; row-major pixels, for Dense)
        layout="nchw": X (N, 1, H, W)   (one grey channel, for Conv2D)
    X = images / 255 ∈ [0, 1] when ``scale`` (otherwise the raw 0..255 values as floats);
    labels come back as int64 (N,).
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim != 3:
        raise ConfigError(f"prepare: images must be (N, H, W), got shape {images.shape}")
    if labels.shape != (len(images),):
        raise ConfigError(f"prepare: labels must be ({len(images)},), got shape {labels.shape}")
    n, h, w = images.shape
    if layout == "flat":
        X = images.reshape(n, h * w)
    elif layout == "nchw":
        X = images.reshape(n, 1, h, w)
    else:
        raise ConfigError(f"prepare: layout must be 'flat' or 'nchw', got {layout!r}")
    X = X.astype(dtype)
    if scale:
        X /= 255.0
    return X, labels.astype(np.int64)


def _one_line(e: Exception) -> str:
    return " ".join(str(e).split()) or type(e).__name__
