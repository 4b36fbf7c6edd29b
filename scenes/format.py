"""One way to write a number on screen, everywhere."""
from __future__ import annotations

import math


def fmt(x: float, digits: int = 3) -> str:
    """0.352, -1.250, 12.5, 1.2e-05: fixed decimals for table-friendly columns,
    scientific only for very small or very large magnitudes. ASCII minus (MathTex-safe)."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    ax = abs(x)
    if ax != 0 and (ax < 10 ** -digits or ax >= 10 ** 5):
        return f"{x:.{max(digits - 2, 1)}e}".replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")
    if ax >= 100:
        s = f"{x:.1f}"
    else:
        s = f"{x:.{digits}f}"
    return "0." + "0" * digits if s.startswith("-") and float(s) == 0 else s


def fmt_int(x: float) -> str:
    """Integer-valued data (pixel values, the deck's matrices) without decimals."""
    return str(int(round(float(x))))


def fmt_auto(x: float, digits: int = 3) -> str:
    """Integers as integers, others with ``fmt``."""
    return fmt_int(x) if float(x).is_integer() and abs(x) < 1e6 else fmt(x, digits)


def minus_sign(text: str) -> str:
    """``text`` with the typographic minus − (U+2212) for "-": on-screen numbers in Text
    (not MathTex, which sets its own)."""
    return text.replace("-", "\u2212")


def fmt_minus(x: float) -> str:
    """A traced number as on-screen text: ``fmt_auto`` with a typographic minus."""
    return minus_sign(fmt_auto(x))
