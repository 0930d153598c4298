"""Text helpers shared by models, search and imports."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics, so that "van hoa" matches "Văn hóa".

    NFD splits most accented letters into a base letter and combining marks, which are dropped;
    "đ" is a letter of its own in Unicode, not a "d" with a mark, so it is mapped by hand.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
