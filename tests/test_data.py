"""Synthetic data sets, the bundled MNIST subset and the IDX reader."""
import gzip

import numpy as np
import pytest

from nnanim.engine import datasets as ds
from nnanim.engine.errors import ConfigError, NnanimError
from nnanim.engine.mnist import (DEFAULT_PATH, DataError, load_idx, load_mnist_idx, load_mnist_subset,
                          prepare)

# name -> (kwargs, number of classes)
CLASSIFICATION = {
    "xor": ({"n": 200}, 2),
    "circles": ({"n": 200}, 2),
    "gaussian_blobs": ({"n": 201, "centers": 3}, 3),
    "spiral": ({"n": 301, "classes": 3}, 3),
    "moons": ({"n": 199}, 2),
}


def rng(seed=0):
    return np.random.default_rng(seed)


# --------------------------------------------------------------------------- synthetic sets
@pytest.mark.parametrize("name", CLASSIFICATION)
def test_shapes_dtypes_and_balance(name):
    kwargs, k = CLASSIFICATION[name]
    X, y = ds.get_dataset(name, rng=rng(), **kwargs)
    n = kwargs["n"]
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert len(counts) == k and counts.max() - counts.min() <= 1
    if name != "gaussian_blobs":  # Gaussian tails may leave the square; the rest cannot
        assert np.all(np.abs(X) <= 1.0 + 1e-12)


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_deterministic_given_seed_and_noise_moves_points(name):
    kwargs, _ = CLASSIFICATION[name]
    a = ds.get_dataset(name, noise=0.1, rng=rng(1), **kwargs)
    b = ds.get_dataset(name, noise=0.1, rng=rng(1), **kwargs)
    c = ds.get_dataset(name, noise=0.1, rng=rng(2), **kwargs)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    # Same draws except the jitter: same labels, points moved.
    clean = ds.get_dataset(name, noise=0.0, rng=rng(1), **kwargs)
    assert not np.allclose(clean[0], a[0])


def test_float32_option():
    X, _ = ds.circles(50, rng=rng(), dtype=np.float32)
    assert X.dtype == np.float32


def test_xor_truth_table_exact():
    X, y = ds.xor()
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])
    assert X.dtype == np.float64


def test_xor_sampled_labels_follow_quadrant_sign():
    X, y = ds.xor(400, rng=rng())
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    assert np.all(np.abs(X) >= 0.1)  # margin off the axes


def test_circles_radii():
    X, y = ds.circles(300, rng=rng())
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() <= 0.5 and r[y == 0].min() >= 0.7


def test_blobs_explicit_centers():
    centers = np.array([[-0.5, 0.0], [0.5, 0.0]])
    X, y = ds.gaussian_blobs(400, centers=centers, std=0.01, rng=rng())
    np.testing.assert_allclose([X[y == k].mean(0) for k in (0, 1)], centers, atol=0.01)


def test_regression_1d():
    x, y = ds.regression_1d(200, slope=-3.0, intercept=0.5, noise=0.05, rng=rng())
    assert x.shape == y.shape == (200,)
    slope, intercept = np.polyfit(x, y, 1)
    assert slope == pytest.approx(-3.0, abs=0.05) and intercept == pytest.approx(0.5, abs=0.05)
    x0, y0 = ds.regression_1d(20, noise=0.0, rng=rng())
    np.testing.assert_allclose(y0, 2.0 * x0 + 1.0)


def test_one_hot():
    Y = ds.one_hot(np.array([2, 0, 1]), 4)
    np.testing.assert_array_equal(Y, [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]])
    assert ds.one_hot(np.array([0, 2])).shape == (2, 3)
    with pytest.raises(ConfigError):
        ds.one_hot(np.array([0, 3]), 3)


def test_train_val_split():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    Xt, Xv, yt, yv = ds.train_val_split(X, y, 0.3, rng(0))
    assert len(Xv) == 3 and len(Xt) == 7
    np.testing.assert_array_equal(Xt[:, 0] / 2, yt)  # rows stay paired with their labels
    np.testing.assert_array_equal(np.sort(np.concatenate([yt, yv])), y)
    again = ds.train_val_split(X, y, 0.3, rng(0))
    np.testing.assert_array_equal(again[3], yv)
    with pytest.raises(ConfigError):
        ds.train_val_split(X, y, 1.0, rng(0))


@pytest.mark.parametrize("name, kwargs", [
    ("nope", {}),
    ("xor", {"n": 0}),
    ("circles", {"n": -5}),
    ("moons", {"noise": -0.1}),
    ("spiral", {"classes": 1}),
    ("spiral", {"n": 2, "classes": 3}),
    ("gaussian_blobs", {"centers": [[0, 0]]}),
    ("circles", {"radius": 2}),
])
def test_bad_names_and_arguments_raise_one_line_config_error(name, kwargs):
    with pytest.raises(ConfigError) as e:
        ds.get_dataset(name, **kwargs)
    assert "\n" not in str(e.value)


def test_unknown_name_lists_valid_names():
    with pytest.raises(ConfigError, match=r"unknown data set 'mnist_but_misspelled' "
                                          r"\(valid: blobs_1d, circles, function_1d, "
                                          r"gaussian_blobs, lines, mnist_idx,"):
        ds.get_dataset("mnist_but_misspelled")


def test_get_dataset_accepts_seed():
    a = ds.get_dataset("moons", n=50, noise=0.1, seed=3)
    b = ds.moons(50, noise=0.1, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a[0], b[0])
    with pytest.raises(ConfigError, match="either seed or rng"):
        ds.get_dataset("moons", seed=3, rng=rng(3))


def test_mnist_by_name_is_a_random_labelled_subset():
    x, y = ds.get_dataset("MNIST-subset", limit=12, layout="nchw", standardize=True, rng=rng(4))
    images, labels = load_mnist_subset()
    keep = np.sort(rng(4).permutation(len(images))[:12])
    assert x.shape == (12, 1, 28, 28) and len(set(y.tolist())) > 1  # not the sorted head
    np.testing.assert_array_equal(y, labels[keep])
    np.testing.assert_allclose(x[:, 0] * 0.3081 + 0.1307, images[keep] / 255.0, atol=1e-12)
    with pytest.raises(ConfigError, match="data.layout must be 'flat' or 'nchw'"):
        ds.get_dataset("mnist_subset", layout="nhwc")


# --------------------------------------------------------------------------- bundled MNIST
def test_bundled_subset():
    images, labels = load_mnist_subset()
    assert images.shape == (5000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (5000,) and labels.dtype == np.int64
    assert set(np.unique(labels)) == set(range(10))
    assert np.bincount(labels).min() >= 300
    assert images.min() == 0 and images.max() == 255
    assert 20 < images.mean() < 50  # MNIST: mostly black background with white strokes


def test_prepare_layouts():
    images, labels = load_mnist_subset()
    X, y = prepare(images[:8], labels[:8])
    assert X.shape == (8, 784) and X.dtype == np.float64 and 0 <= X.min() and X.max() <= 1
    X4, _ = prepare(images[:8], labels[:8], layout="nchw", scale=False, dtype=np.float32)
    assert X4.shape == (8, 1, 28, 28) and X4.dtype == np.float32 and X4.max() > 1
    np.testing.assert_array_equal(X4.reshape(8, -1) / 255, X.astype(np.float32))
    with pytest.raises(ConfigError):
        prepare(images[:2], labels[:2], layout="nhwc")


def test_subset_missing_or_corrupt(tmp_path):
    with pytest.raises(DataError, match="not found"):
        load_mnist_subset(tmp_path / "missing.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(DataError):
        load_mnist_subset(junk)
    cut = tmp_path / "cut.npz"
    cut.write_bytes(DEFAULT_PATH.read_bytes()[:5000])
    with pytest.raises(NnanimError) as e:
        load_mnist_subset(cut)
    assert "\n" not in str(e.value)


# --------------------------------------------------------------------------- IDX files
def write_idx(path, array, gz=False):
    """Minimal IDX writer: 0x0000, type 0x08 (ubyte), ndim, big-endian uint32 dims, data."""
    array = np.asarray(array, dtype=np.uint8)
    raw = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, ">u4").tobytes() \
        + array.tobytes()
    path.write_bytes(gzip.compress(raw) if gz else raw)
    return path


@pytest.mark.parametrize("gz", [False, True])
def test_idx_round_trip(tmp_path, gz):
    images = rng().integers(0, 256, size=(7, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5, 9, 2], dtype=np.uint8)
    suffix = ".gz" if gz else ""
    ip = write_idx(tmp_path / f"images-idx3-ubyte{suffix}", images, gz)
    lp = write_idx(tmp_path / f"labels-idx1-ubyte{suffix}", labels, gz)
    np.testing.assert_array_equal(load_idx(ip), images)
    got_images, got_labels = load_mnist_idx(ip, lp)
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    assert got_labels.dtype == np.int64
    got_images[0, 0, 0] ^= 1  # the result is writable, not a view of read-only bytes


def test_idx_gzip_detected_by_magic_not_name(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    p = write_idx(tmp_path / "plain-name-but-gzipped", labels, gz=True)
    np.testing.assert_array_equal(load_idx(p), labels)


def test_idx_bad_magic(tmp_path):
    p = write_idx(tmp_path / "x", np.zeros((2, 3, 3)))
    raw = bytearray(p.read_bytes())
    raw[2] = 0x0D  # float element type: not ubyte
    p.write_bytes(bytes(raw))
    with pytest.raises(DataError, match="magic 0x00000d03") as e:
        load_idx(p)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("gz", [False, True])
def test_idx_truncated_or_padded(tmp_path, gz):
    raw = write_idx(tmp_path / "full", np.ones((4, 5, 5))).read_bytes()
    for name, data, message in [("short", raw[:-3], "truncated"),
                                ("header", raw[:9], "truncated inside its header"),
                                ("tiny", raw[:2], "truncated"),
                                ("long", raw + b"\0", "longer")]:
        p = tmp_path / name
        p.write_bytes(gzip.compress(data) if gz else data)
        with pytest.raises(DataError, match=message) as e:
            load_idx(p)
        assert "\n" not in str(e.value)


def test_idx_corrupt_gzip_and_missing(tmp_path):
    p = tmp_path / "bad.gz"
    p.write_bytes(gzip.compress(b"\0\0\x08\x01\0\0\0\x02ab")[:12])
    with pytest.raises(DataError, match="corrupt gzip"):
        load_idx(p)
    with pytest.raises(DataError, match="not found"):
        load_idx(tmp_path / "nope")


def test_idx_pair_mismatch(tmp_path):
    ip = write_idx(tmp_path / "i", np.zeros((3, 28, 28)))
    lp = write_idx(tmp_path / "l", np.zeros(4))
    with pytest.raises(DataError, match="3 images .* 4 labels"):
        load_mnist_idx(ip, lp)
    with pytest.raises(DataError, match="expected images"):
        load_mnist_idx(lp, lp)
