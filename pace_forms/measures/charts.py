"""Run charts drawn on the server as accessible SVG with matplotlib: a title
and a description for screen readers, each point a link to the child's story
with words of its own, signal points marked by shape as well as colour.
Drawn once per change of what they show, then served from a cache."""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

import matplotlib

matplotlib.use("svg")  # no display: draw straight to SVG
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

# The project's colours (static/css/app.css); each line also differs in style.
INK, BRAND, SIGNAL, AIM, LOCAL = "#1b1b1b", "#1d4f6e", "#b00020", "#1e6b34", "#6a3d9a"
CACHE_SIZE = 256
# Figure sizes in inches: a chart of its own, and one of many on a printed page.
FULL_SIZE, COMPACT_SIZE = (8, 3.6), (3.6, 1.45)


@dataclass(frozen=True)
class ChartPoint:
    child: str
    on: date  # the date of the step that ended the point (x axis)
    value: float
    url: str | None = None  # where activating the point goes (the child's story)
    is_signal: bool = False
    n: int | None = None  # responses behind a share, written beside the point


@dataclass(frozen=True)
class ChartNote:
    number: int
    on: date
    text: str


@dataclass(frozen=True)
class RunChart:
    chart_id: str  # unique within the page: ids in the SVG start with it
    title: str
    description: str  # a sentence or two saying what the chart shows and what it found
    y_label: str
    points: tuple[ChartPoint, ...]
    median: float | None
    median_signal: bool  # the Anhoej rules found a signal: the median line is dashed
    aim: float | None = None
    aim_label: str = ""
    local_target: float | None = None
    local_target_label: str = ""
    notes: tuple[ChartNote, ...] = ()
    y_max: float | None = None  # 100 for a share in percent
    # Charts shown side by side share one time axis: the same first and last day.
    x_range: tuple[date, date] | None = None
    size: tuple[float, float] = (8, 3.6)  # inches at 100 dpi; the SVG scales to its box
    # A small chart for a page of many (the printable one-page report): smaller
    # figure and type, no legend (the text beside it names the lines).
    compact: bool = False

    def cache_key(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), default=str, sort_keys=True).encode()).hexdigest()


_cache: OrderedDict[str, str] = OrderedDict()
_cache_lock = threading.Lock()
# pyplot keeps global state: one drawing at a time per process.
_draw_lock = threading.Lock()


def render_run_chart(chart: RunChart) -> str:
    """The chart as an SVG string, from the cache when it was drawn before."""
    key = chart.cache_key()
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    svg = draw(chart)
    with _cache_lock:
        _cache[key] = svg
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return svg


def draw(chart: RunChart) -> str:
    font_size, size = (7, COMPACT_SIZE) if chart.compact else (11, chart.size)
    with _draw_lock, plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": chart.chart_id, "font.size": font_size, "font.family": "sans-serif"}):
        figure, axes = plt.subplots(figsize=size, dpi=100)
        try:
            plot(axes, chart)
            figure.tight_layout()
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        finally:
            plt.close(figure)
    return make_accessible(buffer.getvalue(), chart)


def plot(axes, chart: RunChart) -> None:
    dates = [point.on for point in chart.points]
    values = [point.value for point in chart.points]
    axes.plot(dates, values, color=BRAND, linewidth=1.2, zorder=2)
    plain = [point for point in chart.points if not point.is_signal]
    signals = [point for point in chart.points if point.is_signal]
    for group, marker, colour, size in ((plain, "o", BRAND, 28), (signals, "D", SIGNAL, 44)):
        if group:
            markers = axes.scatter([point.on for point in group], [point.value for point in group], marker=marker, s=size, color=colour, zorder=3)
            markers.set_urls([point.url for point in group])
            markers.set_gid(f"{chart.chart_id}-{'signal' if group is signals else 'points'}")
    # n above and below in turn, so that neighbours' numbers do not overlap.
    for index, point in enumerate(chart.points):
        if point.n is not None:
            axes.annotate(f"n={point.n}", xy=(point.on, point.value), xytext=(0, 6 if index % 2 == 0 else -12), textcoords="offset points",
                          ha="center", fontsize=7, color="#444444")
    if chart.median is not None:
        axes.axhline(chart.median, color=SIGNAL if chart.median_signal else INK, linestyle="--" if chart.median_signal else "-", linewidth=1.4,
                     label=f"Median {chart.median:g}" + (" (signal)" if chart.median_signal else ""))
    if chart.aim is not None:
        axes.axhline(chart.aim, color=AIM, linestyle=":", linewidth=2, label=chart.aim_label)
    if chart.local_target is not None:
        axes.axhline(chart.local_target, color=LOCAL, linestyle="-.", linewidth=1.6, label=chart.local_target_label)
    for note in chart.notes:
        axes.axvline(note.on, color="#555555", linestyle=(0, (2, 2)), linewidth=1)
        axes.annotate(str(note.number), xy=(note.on, 1), xycoords=("data", "axes fraction"), xytext=(3, -12), textcoords="offset points", color=INK, fontweight="bold")
    axes.set_ylabel(chart.y_label)
    axes.set_ylim(bottom=0, top=chart.y_max * 1.08 if chart.y_max and any(point.n is not None for point in chart.points) else chart.y_max)
    if chart.x_range is not None:
        axes.set_xlim(chart.x_range[0], chart.x_range[1])
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(axes.xaxis.get_major_locator()))
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.spines[["top", "right"]].set_visible(False)
    if axes.get_legend_handles_labels()[0] and not chart.compact:
        axes.legend(loc="upper right", fontsize=9, frameon=True)


SVG_OPEN = re.compile(r"<svg\b[^>]*>")
LINK_OPEN = re.compile(r"<a xlink:href=\"([^\"]*)\"( target=\"_blank\")?")
STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)
# What matplotlib writes in style="" that SVG also takes as attributes.
PRESENTATION = {
    "fill", "fill-opacity", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-dasharray",
    "stroke-dashoffset", "stroke-opacity", "opacity", "font-size", "font-family", "font-weight", "font-style",
    "text-anchor", "clip-path",
}


def styles_to_attributes(svg: str) -> str:
    """matplotlib styles its SVG with style attributes and a <style> element,
    which the pages' Content-Security-Policy (style-src 'self') refuses; SVG
    presentation attributes carry the same styling and are allowed."""

    def attributes(found: re.Match) -> str:
        parts = []
        for declaration in found.group(1).split(";"):
            name, _, value = declaration.partition(":")
            name, value = name.strip(), value.strip()
            if name in PRESENTATION and value:
                parts.append(f" {name}={quoteattr(value)}")
        return "".join(parts)

    return STYLE_ATTRIBUTE.sub(attributes, STYLE_ELEMENT.sub("", svg))


def make_accessible(svg: str, chart: RunChart) -> str:
    """Names the chart (title, desc), lets it scale, and gives each point's
    link words: "C-12: 130 days, 2024-05-01"."""
    svg = styles_to_attributes(svg[svg.index("<svg") :])  # no XML prolog or DOCTYPE inside an HTML page
    title_id, desc_id = f"{chart.chart_id}-title", f"{chart.chart_id}-desc"

    def opening(found: re.Match) -> str:
        tag = re.sub(r'\s(width|height)="[^"]*"', "", found.group(0))
        return (
            tag[:-1] + f' role="group" aria-labelledby="{title_id}" aria-describedby="{desc_id}" class="run-chart" stroke-linejoin="round" stroke-linecap="butt">'
            f'<title id="{title_id}">{escape(chart.title)}</title><desc id="{desc_id}">{escape(chart.description)}</desc>'
        )

    svg = SVG_OPEN.sub(opening, svg, count=1)
    words = {point.url: f"{point.child}: {point.value:g} days, {point.on.isoformat()}" + (" (part of a signal)" if point.is_signal else "") for point in chart.points if point.url}
    # SVG 2's plain href: assistive tools (and axe) take it as a link, as browsers do.
    return LINK_OPEN.sub(lambda found: f'<a href="{found.group(1)}" aria-label={quoteattr(words.get(unescape_attr(found.group(1)), "a point"))}', svg)


def unescape_attr(value: str) -> str:
    return value.replace("&amp;", "&").replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")


def chart_description(n: int, median: float | None, signal: bool, too_few: bool, aim_text: str) -> str:
    if n == 0:
        return "No child has reached this step yet."
    finding = "Too few points to judge whether it is changing." if too_few else ("The run-chart rules find a signal of change." if signal else "The run-chart rules find no signal of change.")
    return f"{n} children, one point each in date order; median {median:g} days; {aim_text}. {finding}"


def notes_in_order(notes: Sequence[tuple[date, str]]) -> tuple[ChartNote, ...]:
    return tuple(ChartNote(number, on, text) for number, (on, text) in enumerate(sorted(notes), start=1))
