"""A manim file writer that encodes a whole scene as one video stream.

Manim writes every ``play`` and ``wait`` to its own partial movie (one encoder opened,
primed and flushed per animation, each starting on a key frame) and joins them at the end.
nnanim renders with caching off, so the partial files buy nothing: this writer keeps one
encoder open from the first frame to the last, on manim's own encoder thread, and writes
the final video directly. A scene of 60 short animations thus pays one encoder start-up
and one flush instead of 60, and needs no key frame at every cut.

GIFs still go through manim's own path (their palette is made from the joined frames).
"""
from __future__ import annotations

from fractions import Fraction

import av
from av.video.reformatter import VideoReformatter
from manim.scene.scene_file_writer import SceneFileWriter, _PartialMovieEncodeJob
from manim.scene.video_segment_encoder import VideoSegmentEncoder


class HoldingEncoder(VideoSegmentEncoder):
    """Manim's segment encoder, but a frame held for ``repeat`` frames (every ``wait``)
    is converted to the video's pixel format once and encoded twice, at the first and the
    last frame time of the hold, not ``repeat`` times: the video is variable-rate while a
    picture stands still, and a player shows it for the whole hold. A scene's 90-frame
    waits thus cost two frames of the encoder's time, not 90."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._reformatter = VideoReformatter()  # one scaler for the stream, not one a frame

    def write_frame(self, pixels, *, repeat: int = 1) -> None:
        self._validate_frame(pixels, repeat)
        frame = self._reformatter.reformat(av.VideoFrame.from_ndarray(pixels, format="rgba"),
                                           format=self.spec.pixel_format)
        rate = self.spec.frame_rate
        times = [self._next_pts] + ([self._next_pts + repeat - 1] if repeat > 1 else [])
        try:
            for pts in times:
                frame.pts, frame.time_base = pts, Fraction(rate.denominator, rate.numerator)
                for packet in self._stream.encode(frame):
                    self._container.mux(packet)
        except BaseException as error:
            raise self._operation_error("encode", error) from error
        self._next_pts += repeat


class StreamingFileWriter(SceneFileWriter):
    """SceneFileWriter with one encoder job for the scene's whole video."""

    def _streams(self) -> bool:
        return self.output_spec.is_video and not self.output_spec.is_gif

    def open_partial_movie_stream(self, *, animation_index: int, file_path=None) -> None:
        """Open the scene's one encoder at its first animation; later ones reuse it."""
        if not self._streams():
            return super().open_partial_movie_stream(animation_index=animation_index,
                                                     file_path=file_path)
        if self._current_encode_job is None:
            target = self.movie_file_path
            target.parent.mkdir(parents=True, exist_ok=True)
            self._current_encode_job = _PartialMovieEncodeJob(
                animation_index=animation_index, encoder=self._create_segment_encoder(target),
                frame_queue_size=self.settings.encoder_queue_size)

    def _create_segment_encoder(self, target):
        return HoldingEncoder(target=target, spec=self.video_encoder)

    def close_partial_movie_stream(self) -> None:
        """An animation ended: the stream stays open for the next one."""
        if not self._streams():
            super().close_partial_movie_stream()

    def combine_to_movie(self) -> None:
        """Flush and close the one stream: it already is the scene's video."""
        if not self._streams():
            return super().combine_to_movie()
        job, self._current_encode_job = self._current_encode_job, None
        if job is not None:
            job.seal()
            job.join()
