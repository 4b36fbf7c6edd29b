"""A presentation folder (``manim_slides.py``) as HTML, PowerPoint or PDF, with manim-slides'
own converter (its Python API, as ``manim-slides convert`` uses it); needs the optional
extra ``nnanim[slides]`` (manim-slides, python-pptx).

    convert(Path("deck"), ["MaxPooling"], "html", title="Pooling")
    # -> deck/presentation.html + deck/presentation_assets/ (videos, reveal.js)

HTML works offline: manim-slides' template loads reveal.js from a CDN (its ``offline``
option downloads the files when converting, which needs the network then). nnanim ships the
reveal.js files the template needs (``assets/revealjs/``, the version manim-slides 5.7.0
uses), copies them into the deck's assets folder and points the template's ``cdn_url`` at
that copy; ``offline`` stays on, so a remote file a later template adds is fetched too, and
the page is checked to load no script or style from the network, and every one of its own
to be there. Each slide's captions (the .vtt beside its video) are added to the page as the
cues of its background video's captions track, shown at first, key C hides and shows them
(a page opened from a file may not load a .vtt, so the cues are in the page itself).
PowerPoint: one slide per
section with its video and notes, slides the size of the videos. PDF: the last frame of
every section, a page each.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from nnanim.engine.errors import NnanimError

FORMATS = ("html", "pptx", "pdf")
#: the output's name in the presentation folder: presentation.html, .pptx, .pdf
STEM = "presentation"
#: the reveal.js nnanim ships (assets/revealjs/)
REVEAL_VERSION = "6.0.1"
#: what a page's scripts and styles load (the src of a script, the href of a link)
_LOADS = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*[\"']([^\"']+)[\"']",
                    re.IGNORECASE)


class SlidesExtraMissing(NnanimError):
    """Converting needs manim-slides and python-pptx (``pip install 'nnanim[slides]'``)."""


def check_formats(formats) -> None:
    """Refuse an unknown format, and any format when the extra is not installed."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise NnanimError(f"cannot convert to {unknown[0]} (valid: {', '.join(FORMATS)})")
    if formats:
        _converters()


def _converters():
    """manim-slides' converter module (SlidesExtraMissing without the extra)."""
    try:
        import pptx  # noqa: F401  (the PowerPoint converter's library)
        from manim_slides import convert
    except ImportError as e:
        raise SlidesExtraMissing(
            f"converting a presentation needs manim-slides and python-pptx ({e.name} is "
            "missing): pip install 'nnanim[slides]'") from None
    return convert


def convert(deck: Path, names: list[str], fmt: str, title: str = "nnanim") -> Path:
    """Convert the presentations ``names`` of the folder ``deck`` (in that order) into
    ``deck/presentation.<fmt>``; returns its path."""
    module = _converters()
    from manim_slides.config import PresentationConfig

    configs = [PresentationConfig.from_file(deck / "slides" / f"{n}.json") for n in names]
    dest = deck / f"{STEM}.{fmt}"
    options = {"html": lambda: _html_options(deck, title),
               "pptx": lambda: _pptx_options(configs[0]), "pdf": dict}[fmt]()
    converter = module.Converter.from_string(fmt)(presentation_configs=configs, **options)
    try:
        converter.convert_to(dest)
    except (RuntimeError, OSError, ValueError) as e:  # manim-slides' own failures
        raise NnanimError(f"manim-slides could not convert to {fmt}: "
                          f"{str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
    if fmt == "html":
        check_offline(dest)
        add_captions(dest, [s.file for c in configs for s in c.slides])
    return dest


def _html_options(deck: Path, title: str) -> dict:
    """reveal.js from a copy in the deck's assets folder (``presentation_assets``, where
    manim-slides also puts the videos), offline."""
    from nnanim.engine.assets import asset

    assets = f"{STEM}_assets"
    shutil.copytree(asset("revealjs"), deck / assets / "reveal.js", dirs_exist_ok=True)
    return {"cdn_url": f"{assets}/reveal.js", "reveal_version": REVEAL_VERSION,
            "offline": True, "title": title}


#: the captions of an HTML deck: ``cues`` holds each slide's [start, end, text] in the order
#: of the page's slides; reveal.js makes a slide's background video when it comes near, so
#: every change of the page's backgrounds gives new videos their track
CAPTIONS_SCRIPT = """<script>
// nnanim: each slide's captions as its background video's captions track; C: off and on
(() => {
  const cues = %s;
  let mode = "showing";
  function attach() {
    Reveal.getSlides().forEach((slide, i) => {
      const video = Reveal.getSlideBackground(slide)?.querySelector("video");
      if (!video || !cues[i]) return;
      if (!video.nnanimCaptions) {
        video.nnanimCaptions = video.addTextTrack("captions", "Captions", "en");
        for (const [start, end, text] of cues[i])
          video.nnanimCaptions.addCue(new VTTCue(start, end, text));
      }
      video.nnanimCaptions.mode = mode;
    });
  }
  Reveal.addKeyBinding({keyCode: 67, key: "C", description: "Captions off and on"}, () => {
    mode = mode === "showing" ? "hidden" : "showing";
    attach();
  });
  new MutationObserver(attach).observe(document.querySelector(".reveal"),
                                       {childList: true, subtree: true});
  Reveal.on("ready", attach);
  Reveal.on("slidechanged", attach);
  if (Reveal.isReady()) attach();
})();
</script>
"""


def add_captions(page: Path, videos: list[Path]) -> None:
    """Give the HTML deck ``page`` the captions of its slides, whose videos are ``videos``
    in the page's order (each slide's .vtt beside its video; a slide without one has
    none)."""
    from nnanim.engine.atomic import write_bytes
    from nnanim.scenes.captions import read_srt
    from nnanim.scenes.render.slides import script_json

    cues = []
    for video in videos:
        vtt = Path(video).with_suffix(".vtt")
        captions = read_srt(vtt.read_text(encoding="utf-8")) if vtt.is_file() else []
        cues.append([[round(c.start, 3), round(c.end, 3), c.text] for c in captions])
    text = page.read_text(encoding="utf-8")
    end = text.rfind("</body>")
    if end < 0:
        raise NnanimError(f"{page} has no </body>: cannot add its captions")
    script = CAPTIONS_SCRIPT % script_json(cues)
    write_bytes(page, (text[:end] + script + text[end:]).encode("utf-8"))


def _pptx_options(config) -> dict:
    """Slides the size of the videos (manim-slides' default is 1280×720)."""
    width, height = config.resolution
    return {"width": width, "height": height}


def check_offline(page: Path) -> None:
    """Refuse an HTML page that loads a script or style from the network, or one of its
    own that is not there (a manim-slides whose template wants files nnanim does not ship)."""
    text = re.sub(r"<!--.*?-->", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    for src in _LOADS.findall(text):
        if re.match(r"(https?:)?//", src):
            raise NnanimError(f"{page} loads {src} from the network: offline it would show "
                              "a blank page")
        if not (page.parent / src).is_file():
            raise NnanimError(f"{page} loads {src}, which is missing (nnanim ships reveal.js "
                              f"{REVEAL_VERSION}, for manim-slides 5.7.0)")
