"""Bar charts drawn as inline SVG on the server: no JavaScript, readable in light and dark
mode (they draw in the page's text and accent colours), with the figures also given as a
table for screen readers and for copying."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ROW_HEIGHT = 26
LABEL_WIDTH = 220
BAR_WIDTH = 300
COUNT_WIDTH = 60
WIDTH = LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    url: str
    y: int
    width: float

    @property
    def text_y(self) -> int:
        return self.y + ROW_HEIGHT // 2 + 5

    @property
    def count_x(self) -> float:
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart. `title` names it for assistive technology too."""

    title: str
    bars: list[Bar]
    label_width: int = LABEL_WIDTH
    width: int = WIDTH

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * ROW_HEIGHT

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)


def bar_chart(title: str, rows: Iterable[tuple[str, int, str]]) -> BarChart:
    """`rows` are (label, count, link) in the order they are drawn."""
    rows = [row for row in rows if row[1] > 0]
    largest = max((count for _, count, _ in rows), default=0)
    bars = [
        Bar(
            label=label,
            count=count,
            url=url,
            y=index * ROW_HEIGHT,
            # At least a sliver, so that a count of 1 beside a count of 500 still shows.
            width=max(2.0, BAR_WIDTH * count / largest),
        )
        for index, (label, count, url) in enumerate(rows)
    ]
    return BarChart(title=title, bars=bars)
