"""An image mobject warped onto the frame, as manim warps it, without the frame-sized copy.

Manim's ``Camera.display_image_mobject`` maps the image's pixel rectangle onto the four
corners it has on screen with a perspective transform (PIL's, into the smallest picture
that holds the corners), pastes that picture into a transparent picture as large as the
frame and composites the whole frame. ``CachedCamera`` keeps the result cropped to the
pixels it covers; building it the frame-sized way cost about 3 ms at 480p for a 41×41
heat map, most of it the frame-sized picture (a heat map that changes at every step of a
training is warped again each time).

``warped_patch`` makes the same picture the same way (the same corners, rounding, checks
and transform coefficients as manim 0.22, so the same pixels: tested against manim's) and
crops it to the frame and to its visible pixels directly.
"""
from __future__ import annotations

import numpy as np
from PIL import Image


def warped_patch(pixels: np.ndarray, corners: np.ndarray, frame: tuple[int, int],
                 resample) -> tuple[tuple | None, Image.Image | None]:
    """The RGBA ``pixels`` warped onto ``corners`` (the subpixel coordinates of the image's
    top-left, top-right, bottom-left, bottom-right corners on a frame ``frame`` = (width,
    height) pixels large): (box, patch), the box (x0, y0, x1, y1) of the frame it covers and
    its pixels there; (None, None) where manim draws nothing."""
    image = Image.fromarray(np.ascontiguousarray(pixels, dtype=np.uint8))  # RGBA
    source = np.array([[0, 0], [image.width, 0], [0, image.height],
                       [image.width, image.height]])
    target = np.array(corners, dtype=np.float64)
    corner = target.astype(np.int64)
    shift = corner.min(axis=0)
    target, corner = target - shift, corner - shift
    size = (int(corner[:, 0].max()), int(corner[:, 1].max()))
    if too_thin(target):
        return None, None
    try:
        coefficients = np.linalg.solve(*homography(target, source))
    except np.linalg.LinAlgError:  # three corners on a line
        return None, None
    warped = image.transform(size=size, method=Image.Transform.PERSPECTIVE,
                             data=coefficients, resample=resample)
    return _on_frame(warped, (int(shift[0]), int(shift[1])), frame)


def too_thin(target: np.ndarray) -> bool:
    """Manim's test for a quadrilateral that holds no pixel: its longest side is 0, or its
    height over that side, measured with the side before it, is under half a pixel."""
    ordered = target[[0, 1, 3, 2]]
    sides = np.roll(ordered, -1, axis=0) - ordered
    lengths = np.linalg.norm(sides, axis=1)
    longest = int(np.argmax(lengths))
    if lengths[longest] == 0:
        return True
    base, before = sides[longest], sides[(longest - 1) % 4]
    return abs(base[0] * before[1] - base[1] * before[0]) / lengths[longest] < 0.5


def homography(target: np.ndarray, source: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(A, b) of the 8 perspective coefficients that send each target corner (x, y) to its
    source corner (X, Y): two rows a corner, in manim's order."""
    rows = []
    for (x, y), (big_x, big_y) in zip(target, source):
        rows.append([x, y, 1, 0, 0, 0, -big_x * x, -big_x * y])
        rows.append([0, 0, 0, x, y, 1, -big_y * x, -big_y * y])
    return np.array(rows, dtype=np.float64), source.reshape(8).astype(np.float64)


def _on_frame(warped: Image.Image, at: tuple[int, int], frame: tuple[int, int]):
    """``warped``, its corner at ``at`` on the frame, cut to the frame and then to its
    visible pixels (PIL's ``getbbox``, as the frame-sized picture would be cut)."""
    x0, y0 = max(at[0], 0), max(at[1], 0)
    x1, y1 = min(at[0] + warped.width, frame[0]), min(at[1] + warped.height, frame[1])
    if x1 <= x0 or y1 <= y0:
        return None, None
    inside = warped.crop((x0 - at[0], y0 - at[1], x1 - at[0], y1 - at[1]))
    box = inside.getbbox()
    if not box:
        return None, None
    return (x0 + box[0], y0 + box[1], x0 + box[2], y0 + box[3]), inside.crop(box)
