"""URL converters: what a code in a path may hold."""


class CodeConverter:
    """A target's, group's or unit's code: any characters but a slash and control characters.

    A NUL in a lookup fails inside PostgreSQL (a 500), and no code holds a control character, so such a
    path matches no page and answers 404 before any query.
    """

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
