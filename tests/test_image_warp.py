"""An image warped onto the frame (scenes/render/image_warp.py): the same patch, pixel for
pixel, as manim's Camera.display_image_mobject puts into its frame-sized picture."""
from __future__ import annotations

import numpy as np
import pytest
from manim import DOWN, LEFT, RIGHT, UP, ImageMobject, tempconfig
from manim.camera.camera import Camera
from PIL import Image

from nnanim.scenes.render.image_warp import warped_patch


def manims_patch(camera: Camera, image: ImageMobject):
    """Manim's frame-sized picture of the image, caught before it is composited, cut to
    its visible pixels: (box, patch), or (None, None) when manim draws nothing."""
    caught = []
    camera.overlay_PIL_image = lambda _, picture: caught.append(picture)
    camera.display_image_mobject(image, camera.pixel_array)
    box = caught[0].getbbox() if caught else None
    return (box, caught[0].crop(box)) if box else (None, None)


def images(rng, size):
    """Heat maps and pictures placed as scenes place them, and as they rarely are: scaled,
    stretched, rotated, half off the frame, wholly off it, thinner than a pixel."""
    for k in range(40):
        h, w = (int(v) for v in rng.integers(2, 48, size=2))
        pixels = rng.integers(0, 256, size=(h, w, 4), dtype=np.uint8)
        pixels[..., 3] = np.where(rng.random((h, w)) < 0.2, 0, pixels[..., 3])  # holes
        image = ImageMobject(pixels)
        image.set_resampling_algorithm(Image.Resampling.NEAREST if k % 2 else
                                       Image.Resampling.BILINEAR)
        image.scale(float(rng.uniform(0.05, 3.0)))
        if k % 5 == 1:
            image.stretch(float(rng.uniform(0.2, 2.0)), 0)
        if k % 5 == 2:
            image.rotate(float(rng.uniform(-1.0, 1.0)))
        image.move_to(np.array([rng.uniform(-9, 9), rng.uniform(-5, 5), 0.0]))
        yield image
    pixel = 8.0 / size[1]  # a pixel's height in scene units
    for px in (0.45, 0.55):  # slivers: manim draws none under half a pixel high
        yield ImageMobject(np.full((4, 4, 4), 255, np.uint8)).stretch_to_fit_height(px * pixel)
    for edge in (LEFT, RIGHT, UP, DOWN):  # half over each edge of the frame
        yield ImageMobject(np.full((5, 5, 4), 200, np.uint8)).move_to(
            edge * np.array([14.2 / 2, 4.0, 0.0]))
    yield ImageMobject(np.full((4, 4, 4), 255, np.uint8)).shift(20 * LEFT)  # off the frame
    yield ImageMobject(np.zeros((4, 4, 4), np.uint8)).shift(DOWN)  # all transparent


@pytest.mark.parametrize("size", [(854, 480), (320, 180)])
def test_the_patch_is_manims_pixel_for_pixel(size):
    rng = np.random.default_rng(7)
    with tempconfig({"pixel_width": size[0], "pixel_height": size[1]}):
        camera = Camera()
        shown = 0
        for image in images(rng, size):
            box, patch = manims_patch(camera, image)
            corners = camera.points_to_subpixel_coords(image, image.points)
            ours = warped_patch(image.get_pixel_array(), corners, size,
                                image.resampling_algorithm)
            assert ours[0] == box
            if box is None:
                assert ours[1] is None
                continue
            shown += 1
            assert np.array_equal(np.asarray(ours[1]), np.asarray(patch))
        assert shown > 15  # most of them are on the frame
