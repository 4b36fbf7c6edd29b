"""How colours look to people: CIE Lab distance (ΔE, CIE76), WCAG contrast, and colour
vision deficiency simulated after Machado, Oliveira and Fernandes (2009), "A
Physiologically-based Model for Simulation of Color Vision Deficiency", IEEE TVCG 15(6),
at full severity (dichromacy: what survives it also survives the milder anomalies).
Used to check the theme palettes (tests/test_palette.py); no manim here."""
from __future__ import annotations

import numpy as np

#: Machado 2009, severity 1.0, applied to linear sRGB
CVD_MATRICES = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
VISIONS = ("normal", *CVD_MATRICES)

# sRGB (D65) to XYZ, and the D65 white point, for Lab
_RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
_WHITE = np.array([0.95047, 1.0, 1.08883])


def rgb(hex_color: str) -> np.ndarray:
    """"#RRGGBB" -> sRGB in [0, 1], shape (3,)."""
    h = hex_color.lstrip("#")
    return np.array([int(h[i:i + 2], 16) for i in (0, 2, 4)]) / 255.0


def to_hex(srgb: np.ndarray) -> str:
    return "#" + "".join(f"{int(round(c * 255)):02X}" for c in np.clip(srgb, 0, 1))


def linear(srgb: np.ndarray) -> np.ndarray:
    """sRGB's transfer function undone: light intensity per channel."""
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def gamma(lin: np.ndarray) -> np.ndarray:
    lin = np.clip(lin, 0, 1)
    return np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)


def simulate(hex_color: str, vision: str) -> np.ndarray:
    """sRGB of ``hex_color`` as seen with ``vision`` ("normal", "protanopia", ...)."""
    c = rgb(hex_color)
    if vision == "normal":
        return c
    return gamma(CVD_MATRICES[vision] @ linear(c))


def lab(srgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB colour."""
    t = (_RGB_TO_XYZ @ linear(srgb)) / _WHITE
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, vision: str = "normal") -> float:
    """CIE76 colour difference of two colours as seen with ``vision``."""
    return float(np.linalg.norm(lab(simulate(a, vision)) - lab(simulate(b, vision))))


def luminance(hex_color: str) -> float:
    """WCAG relative luminance."""
    return float(np.array([0.2126, 0.7152, 0.0722]) @ linear(rgb(hex_color)))


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def from_lab(lab_color: np.ndarray) -> np.ndarray:
    """sRGB (clipped to [0, 1]) of a CIE L*a*b* (D65) colour."""
    L, a, b = lab_color
    fy = (L + 16) / 116
    f = np.array([fy + a / 500, fy, fy - b / 200])
    t = np.where(f > 6 / 29, f ** 3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * _WHITE
    return gamma(np.linalg.solve(_RGB_TO_XYZ, t))


def legible(hex_color: str, background: str, ratio: float = 4.5) -> str:
    """``hex_color`` itself when text in it reaches ``ratio`` against ``background``;
    otherwise the same hue made darker (on a light background) or lighter (on a dark one),
    step by step in L*, until it does: the colour to write a meaning's text in."""
    if contrast(hex_color, background) >= ratio:
        return hex_color
    c = lab(rgb(hex_color))
    step = -1.0 if luminance(background) > 0.5 else 1.0
    while 0 < c[0] < 100:
        c[0] += step
        candidate = to_hex(from_lab(c))
        if contrast(candidate, background) >= ratio:
            return candidate
    return "#000000" if step < 0 else "#FFFFFF"
