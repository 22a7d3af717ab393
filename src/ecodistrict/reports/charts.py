"""Charts as plain SVG strings: vector graphics in the PDF, the HTML and on the web.

Written by hand rather than with a plotting library so that the same string goes into a PDF
(WeasyPrint draws inline SVG), an HTML page and a Markdown file, with no JavaScript and no fonts
to embed. Every label is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

FIRM_COLOUR = "#0066cc"  # Bootstrap Italia primary
MEDIAN_COLOUR = "#d9364f"
GRID_COLOUR = "#c5c7c9"
TEXT_COLOUR = "#1a1a1a"
CYCLE_COLOURS = {"matter": "#8a6d3b", "energy": "#e07b00", "water": "#0073b7", "waste": "#5d7083"}


def _text(x: float, y: float, text: str, *, size: int = 10, anchor: str = "middle") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{TEXT_COLOUR}" font-family="sans-serif">{escape(text)}</text>'
    )


def _svg(width: float, height: float, body: Sequence[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


@dataclass(frozen=True)
class RadarSeries:
    name: str
    values: Sequence[float | None]  # one per axis, 0..100; None is drawn at 0 and marked
    colour: str


def radar_svg(axes: Sequence[str], series: Sequence[RadarSeries], title: str) -> str:
    """A radar (spider) chart on a 0–100 scale, one polygon per series, with a legend."""
    size, centre_y, radius = 420.0, 200.0, 130.0
    centre_x = size / 2
    n = max(len(axes), 3)
    body: list[str] = []

    def point(i: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return centre_x + r * math.cos(angle), centre_y + r * math.sin(angle)

    for ring in (25, 50, 75, 100):
        ring_points = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(i, radius * ring / 100) for i in range(n))
        )
        body.append(f'<polygon points="{ring_points}" fill="none" stroke="{GRID_COLOUR}"/>')
        body.append(_text(centre_x + 3, centre_y - radius * ring / 100 + 10, str(ring), size=8,
                          anchor="start"))  # fmt: skip
    for i, axis in enumerate(axes):
        x, y = point(i, radius)
        body.append(
            f'<line x1="{centre_x:.1f}" y1="{centre_y:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOUR}"/>'
        )
        lx, ly = point(i, radius + 18)
        anchor = "middle" if abs(lx - centre_x) < 5 else ("start" if lx > centre_x else "end")
        body.append(_text(lx, ly + 3, axis, size=9, anchor=anchor))
    for item in series:
        shown = [0.0 if v is None else max(0.0, min(100.0, v)) for v in item.values]
        polygon = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(i, radius * v / 100) for i, v in enumerate(shown))
        )
        body.append(
            f'<polygon points="{polygon}" fill="{item.colour}" fill-opacity="0.15" '
            f'stroke="{item.colour}" stroke-width="2"/>'
        )
    for k, item in enumerate(series):
        y = size - 40 + 14 * k
        body.append(f'<rect x="20" y="{y - 8}" width="10" height="10" fill="{item.colour}"/>')
        body.append(_text(36, y + 1, item.name, size=10, anchor="start"))
    return _svg(size, size, body, title)


def bar_svg(
    rows: Sequence[tuple[str, float | None, str]], title: str, maximum: float = 100.0
) -> str:
    """Horizontal bars: (label, value, printed value); a missing value gets no bar."""
    width, bar_height, gap, label_width = 520.0, 18.0, 8.0, 190.0
    height = 20 + len(rows) * (bar_height + gap)
    top = max([maximum] + [v for _, v, _ in rows if v is not None])
    span = width - label_width - 80
    body: list[str] = []
    for i, (label, value, printed) in enumerate(rows):
        y = 10 + i * (bar_height + gap)
        body.append(_text(label_width - 6, y + 13, label, size=10, anchor="end"))
        body.append(
            f'<rect x="{label_width}" y="{y:.1f}" width="{span:.1f}" height="{bar_height}" '
            f'fill="#f2f2f2"/>'
        )
        if value is not None and top > 0:
            length = span * max(0.0, value) / top
            body.append(
                f'<rect x="{label_width}" y="{y:.1f}" width="{length:.1f}" '
                f'height="{bar_height}" fill="{FIRM_COLOUR}"/>'
            )
        body.append(_text(label_width + span + 6, y + 13, printed, size=10, anchor="start"))
    return _svg(width, height, body, title)


@dataclass(frozen=True)
class MapPoint:
    lat: float
    lon: float
    label: str  # "" for an unnamed firm


def map_svg(points: Sequence[MapPoint], links: Sequence[tuple[int, int, float]], title: str) -> str:
    """Firms as dots and exchanges as lines (width by quantity), on an equirectangular projection
    centred on the firms (x scaled by cos(latitude), so distances look right at district scale)."""
    width, height, pad = 520.0, 380.0, 30.0
    if not points:
        return _svg(width, 60, [_text(width / 2, 30, "–")], title)
    lat0 = sum(p.lat for p in points) / len(points)
    scale_x = math.cos(math.radians(lat0))
    xs = [p.lon * scale_x for p in points]
    ys = [p.lat for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-3)
    factor = min(width, height) - 2 * pad

    def project(i: int) -> tuple[float, float]:
        x = pad + (xs[i] - min(xs)) / span * factor
        y = height - pad - (ys[i] - min(ys)) / span * factor
        return x, y

    body: list[str] = [f'<rect width="{width}" height="{height}" fill="#f7f9fb"/>']
    heaviest = max([q for _, _, q in links] + [1e-9])
    for a, b, quantity in links:
        (x1, y1), (x2, y2) = project(a), project(b)
        stroke = 1 + 5 * quantity / heaviest
        body.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{MEDIAN_COLOUR}" stroke-opacity="0.7" stroke-width="{stroke:.1f}"/>'
        )
    for i, p in enumerate(points):
        x, y = project(i)
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{FIRM_COLOUR}"/>')
        if p.label:
            body.append(_text(x + 6, y - 4, p.label, size=8, anchor="start"))
    km = span * 111.32  # degrees of latitude to km
    bar = factor / km if km > 0 else 0  # pixels per km
    step = next((s for s in (0.5, 1, 2, 5, 10, 20, 50) if s * bar >= 40), 50)
    body.append(
        f'<line x1="{pad}" y1="{height - 10}" x2="{pad + step * bar:.1f}" y2="{height - 10}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="2"/>'
    )
    body.append(_text(pad + step * bar + 4, height - 7, f"{step:g} km", size=9, anchor="start"))
    return _svg(width, height, body, title)


@dataclass(frozen=True)
class SankeyLabels:
    from_outside: str
    inside: str
    firms: str
    to_outside: str
    internal: str


def sankey_svg(
    from_outside: float,
    inside: float,
    to_outside: float,
    internal: float,
    labels: SankeyLabels,
    printed: dict[str, str],
    colour: str,
    title: str,
) -> str:
    """A three-column Sankey of one cycle: what enters the district's firms (from outside,
    from other district firms) and where it goes (outside, to other district firms, internal
    reuse). `printed` holds each quantity as the report prints it, by the same keys."""
    width, height, node_w, top = 520.0, 240.0, 14.0, 20.0
    left_total = from_outside + inside
    right_total = to_outside + inside + internal
    total = max(left_total, right_total)
    body: list[str] = []
    if total <= 0:
        body.append(_text(width / 2, 40, "–"))
        return _svg(width, 60, body, title)
    usable = height - 2 * top - 10
    unit_h = usable / total
    x_left, x_mid, x_right = 150.0, width / 2 - node_w / 2, width - 150.0 - node_w

    def band(x1: float, y1: float, x2: float, y2: float, h: float, fill: str) -> str:
        mid = (x1 + x2) / 2
        return (
            f'<path d="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f} '
            f"L{x2:.1f},{y2 + h:.1f} C{mid:.1f},{y2 + h:.1f} {mid:.1f},{y1 + h:.1f} "
            f'{x1:.1f},{y1 + h:.1f} Z" fill="{fill}" fill-opacity="0.35"/>'
        )

    mid_h = max(left_total, right_total) * unit_h
    body.append(
        f'<rect x="{x_mid:.1f}" y="{top}" width="{node_w}" height="{mid_h:.1f}" fill="{colour}"/>'
    )
    body.append(_text(x_mid + node_w / 2, top - 6, labels.firms, size=9))
    y = top
    for key, amount, name in (
        ("from_outside", from_outside, labels.from_outside),
        ("inside", inside, labels.inside),
    ):
        if amount <= 0:
            continue
        h = amount * unit_h
        body.append(
            f'<rect x="{x_left - node_w:.1f}" y="{y:.1f}" width="{node_w}" height="{h:.1f}" '
            f'fill="{colour}"/>'
        )
        body.append(band(x_left, y, x_mid, y, h, colour))
        body.append(_text(x_left - node_w - 4, y + h / 2, name, size=9, anchor="end"))
        body.append(_text(x_left - node_w - 4, y + h / 2 + 11, printed[key], size=9, anchor="end"))
        y += h + 5
    y_in = top
    y = top
    for key, amount, name in (
        ("to_outside", to_outside, labels.to_outside),
        ("inside", inside, labels.inside),
        ("internal", internal, labels.internal),
    ):
        if amount <= 0:
            continue
        h = amount * unit_h
        body.append(
            f'<rect x="{x_right:.1f}" y="{y:.1f}" width="{node_w}" height="{h:.1f}" '
            f'fill="{colour}"/>'
        )
        body.append(band(x_mid + node_w, y_in, x_right, y, h, colour))
        body.append(_text(x_right + node_w + 4, y + h / 2, name, size=9, anchor="start"))
        body.append(
            _text(x_right + node_w + 4, y + h / 2 + 11, printed[key], size=9, anchor="start")
        )
        y_in += h
        y += h + 5
    return _svg(width, max(height, y + top), body, title)
