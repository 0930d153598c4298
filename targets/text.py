"""Text helpers shared by models, search and imports."""

import unicodedata

from django.utils.translation import get_language


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics, so that "van hoa" matches "Văn hóa".

    NFD splits most accented letters into a base letter and combining marks, which are dropped;
    "đ" is a letter of its own in Unicode, not a "d" with a mark, so it is mapped by hand.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def localised(name: str, name_en: str) -> str:
    """``name_en`` when the page is in English and the English name is stored, else the Vietnamese ``name``.

    Names are data, not catalogue entries: the reference data stores both, and an English reader should
    see the English one wherever it exists.
    """
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


def plain_text(text: str) -> str:
    """``text`` as a document can hold it: line ends made "\\n", and every other control character (which
    XML, and so Word and Excel files, cannot carry) dropped; tabs become spaces. Typed text keeps its letters,
    its lines and its formulas-looking starts ("=1+1" stays text in the document)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cs"))
