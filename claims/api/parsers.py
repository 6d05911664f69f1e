"""The API's JSON parser: DRF's, refusing what would fail later as a server error.

Deep nesting (``[[[[...`` 100k levels) exhausted Python's stack in ``json.loads`` (RecursionError, a 500);
NUL characters in strings are refused by PostgreSQL in text and jsonb columns (a 500 on write, or on a
lookup such as a rating slug). Both are the client's error: 400 with a reason.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

MAX_DEPTH = 64


def _first_nul_path(data) -> str | None:
    """Return the dotted path of the first string (key or value) holding a NUL, or None; iterative, so
    any depth the parser accepted is walked without recursion."""
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return path or "non_field_errors"
        elif isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    return path or "non_field_errors"
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
    return None


def _depth(data) -> int:
    deepest, stack = 0, [(1, data)]
    while stack:
        level, value = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            stack.extend((level + 1, item) for item in (value.values() if isinstance(value, dict) else value))
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.") from None
        # No body of this API nests beyond a few levels; a bound keeps serializers and the idempotency
        # hash (which recurse) away from the interpreter's stack limit too.
        if _depth(data) > MAX_DEPTH:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        path = _first_nul_path(data)
        if path is not None:
            message = "NUL characters are not allowed."
            raise ValidationError(
                {path.split(".")[0]: [message]} if path != "non_field_errors" else [message]
            )
        return data
