"""A TraceScene as a manim-slides ``Slide``, in either order of the bases (manim-slides is
not imported here: a class with a ``next_slide`` method is taken for one).

    from manim_slides import Slide
    from nnanim.scenes.max_pooling import MaxPooling

    class PoolingDeck(Slide, MaxPooling):      # or (MaxPooling, Slide)
        pass

manim-slides' ``Slide.next_section`` is an alias of its ``next_slide``, which calls
``Scene.next_section`` by name. With ``Slide`` first in the bases, nnanim's ``next_section``
(the still ending each section, the section times, the captions cut per section) would be
skipped, and a deck's own ``self.next_slide()`` skips it in either order. ``keep_sections``
(``TraceScene.__init_subclass__`` calls it for every scene class) gives such a class a
``next_slide`` that ends nnanim's section and then runs manim-slides' own, and makes
``next_section`` that same call: one section and one slide per call, in either order.

manim-slides 5.7.0 (and 5.6.0) cannot render with manim 0.22: its ``Slide`` sets
``config["write_to_movie"]``, which manim 0.22's config no longer has (nor ``flush_cache``;
``max_files_cached`` refuses ``inf``). Such a deck fails when constructed, with
``SlidesUnsupported``: one line saying what to install and what to use meanwhile
(``nnanim slides``, which writes the presentation from nnanim's own renders).
"""
from __future__ import annotations

from nnanim.engine.errors import NnanimError

#: newest manim-slides tried with manim 0.22; it and every older one fail there
NEWEST_TRIED = (5, 7, 0)
_MARK = "_nnanim_keeps_sections"


class SlidesUnsupported(NnanimError):
    """The installed manim-slides cannot render with the installed manim."""


def keep_sections(cls: type) -> None:
    """If ``cls`` is a manim-slides ``Slide`` (it has ``next_slide``) not yet adapted, route
    its ``next_slide`` and ``next_section`` through nnanim's ``_end_section`` (see the
    module's docstring) and check, when one is constructed, that manim-slides can render."""
    slide_next = getattr(cls, "next_slide", None)
    if not callable(slide_next) or getattr(slide_next, _MARK, False):
        return  # no Slide among the bases, or a base already adapted
    init = cls.__init__
    from_manim_slides = slide_next.__module__.startswith("manim_slides")

    def __init__(self, *args, **kwargs):
        if from_manim_slides:
            check_manim_slides()
        init(self, *args, **kwargs)

    def next_slide(self, *args, **kwargs):
        self._end_section(args[0] if args else kwargs.get("name", "unnamed"))
        slide_next(self, *args, **kwargs)

    def next_section(self, *args, **kwargs):
        self.next_slide(*args, **kwargs)

    setattr(next_slide, _MARK, True)
    cls.__init__, cls.next_slide, cls.next_section = __init__, next_slide, next_section


def _version(text: str) -> tuple[int, ...]:
    """(5, 7, 0) of "5.7.0" (a part that is no number ends it: "5.8.0rc1" -> (5, 8))."""
    out = []
    for part in text.split("."):
        if not part.isdigit():
            break
        out.append(int(part))
    return tuple(out)


def check_manim_slides() -> None:
    """Raise ``SlidesUnsupported`` when the installed manim-slides is known not to render
    with the installed manim: a release up to ``NEWEST_TRIED`` with a manim whose config
    has no ``write_to_movie`` (0.22 on)."""
    from importlib.metadata import version

    from manim._config.utils import ManimConfig

    slides, manim = version("manim-slides"), version("manim")
    if _version(slides) <= NEWEST_TRIED and not hasattr(ManimConfig, "write_to_movie"):
        raise SlidesUnsupported(
            f"manim-slides {slides} cannot render with manim {manim} (its Slide sets "
            f"config.write_to_movie, which manim {manim} no longer has): write the deck with "
            f"'nnanim slides SCENES -o DIR' (pip install 'nnanim[slides]'), or install a "
            f"manim-slides newer than {'.'.join(map(str, NEWEST_TRIED))} that supports "
            f"manim {manim}")
