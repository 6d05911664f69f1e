"""Server-rendered SVG bar charts (no JavaScript, no external library); labels are escaped."""

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
    bars = format_html_join(
        "",
        '<g transform="translate(0,{})"><text x="{}" y="15" text-anchor="end">{}</text>'
        '<rect x="{}" y="3" width="{}" height="16" fill="{}"><title>{}: {}</title></rect>'
        '<text x="{}" y="15">{}</text></g>',
        (
            (
                i * ROW_HEIGHT,
                LABEL_WIDTH - 6,
                label,
                LABEL_WIDTH,
                round(BAR_WIDTH * value / biggest, 1),
                safe_colour(colour),
                label,
                _number(value),
                LABEL_WIDTH + round(BAR_WIDTH * value / biggest, 1) + 4,
                _number(value),
            )
            for i, (label, value, colour) in enumerate(series.rows)
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


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
