"""Server-rendered SVG bar charts (no JavaScript, no external library); labels are escaped.

A bar whose series row carries a query links to the claims list filtered to what it counts.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from claims.admin.display import safe_colour
from claims.dashboard import Series

ROW_HEIGHT = 22
LABEL_WIDTH = 150
BAR_WIDTH = 240


def bar_chart(series: Series) -> SafeString:
    """A horizontal bar chart of ``series``; an empty series draws a 'no data' note."""
    if not series.rows:
        return mark_safe('<p class="help">No data yet.</p>')  # noqa: S308 - a constant
    biggest = max(value for _, value, _ in series.rows) or 1
    height = ROW_HEIGHT * len(series.rows) + 4
    queries = list(series.queries) + [None] * (len(series.rows) - len(series.queries))
    bars = format_html_join(
        "",
        "{}",
        (
            (_bar(i, row, biggest, query),)
            for i, (row, query) in enumerate(zip(series.rows, queries, strict=True))
        ),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}">{}</svg>',
        series.title,
        LABEL_WIDTH + BAR_WIDTH + 50,
        height,
        LABEL_WIDTH + BAR_WIDTH + 50,
        height,
        bars,
    )


def _bar(i: int, row: tuple[str, float, str], biggest: float, query: dict | None) -> SafeString:
    label, value, colour = row
    width = round(BAR_WIDTH * value / biggest, 1)
    bar = format_html(
        '<text x="{}" y="15" text-anchor="end">{}</text>'
        '<rect x="{}" y="3" width="{}" height="16" fill="{}"><title>{}: {}</title></rect>'
        '<text x="{}" y="15">{}</text>',
        LABEL_WIDTH - 6,
        label,
        LABEL_WIDTH,
        width,
        safe_colour(colour),
        label,
        _number(value),
        LABEL_WIDTH + width + 4,
        _number(value),
    )
    if query is not None:
        url = f"{reverse('admin:claims_claim_changelist')}?{urlencode(query)}"
        bar = format_html('<a href="{}" aria-label="{}: {}">{}</a>', url, label, _number(value), bar)
    return format_html('<g transform="translate(0,{})">{}</g>', i * ROW_HEIGHT, bar)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
