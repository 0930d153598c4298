"""The catalogues are complete, the templates have no untranslated visible text, formats follow the language."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation

BASE = Path(settings.BASE_DIR)
CATALOGUES = sorted((BASE / "locale").glob("*/LC_MESSAGES/django.po"))
# The 500 page is rendered without any context or catalogue, so it is written in both languages.
NOT_CHECKED = {"500.html"}


def po_entries(path):
    """(msgid, msgstr or msgstr[n] list, flags) for every entry but the header and obsolete ones."""
    text = path.read_text(encoding="utf-8")
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields, current = {}, None
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if "msgid" not in fields or fields["msgid"] == "":
            continue
        yield fields, flags


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_catalogue_has_no_empty_or_fuzzy_entry(path):
    problems = []
    for fields, flags in po_entries(path):
        if "fuzzy" in flags:
            problems.append(f"fuzzy: {fields['msgid']}")
        translations = [value for key, value in fields.items() if key.startswith("msgstr")]
        if not translations or any(value == "" for value in translations):
            problems.append(f"empty: {fields['msgid']}")
    assert problems == []


def test_catalogues_exist_and_are_compiled():
    assert [p.parent.parent.name for p in CATALOGUES] == ["en", "vi"]
    for path in CATALOGUES:
        compiled = path.with_suffix(".mo")
        assert compiled.exists(), f"{compiled} missing: run make messages"
        assert compiled.stat().st_mtime >= path.stat().st_mtime - 1, f"{compiled} older than its .po"


TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
BLOCK_TRANSLATE = re.compile(r"{%\s*blocktrans(late)?\b.*?{%\s*endblocktrans(late)?\s*%}", re.S)
COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|<!--.*?-->", re.S)
SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
VISIBLE_ATTRIBUTES = re.compile(r'\b(?:aria-label|title|placeholder|alt|aria-description)="([^"]*)"', re.I)
HTML_TAG = re.compile(r"<[^>]+>", re.S)
ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;")
# A word of two letters or more (any script): what is left of it after tags is untranslated text.
WORD = re.compile(r"[^\W\d_]{2,}")


def visible_words(source: str) -> list[str]:
    text = COMMENT.sub(" ", source)
    text = BLOCK_TRANSLATE.sub(" ", text)
    text = SCRIPT.sub(" ", text)
    words = []
    for value in VISIBLE_ATTRIBUTES.findall(text):
        words += WORD.findall(TAG.sub(" ", value))
    text = HTML_TAG.sub(" ", TAG.sub(" ", text))
    words += WORD.findall(ENTITY.sub(" ", text))
    return words


def project_templates():
    for path in sorted((BASE / "templates").rglob("*")):
        if path.suffix in {".html", ".txt"} and path.name not in NOT_CHECKED:
            yield path


@pytest.mark.parametrize("path", list(project_templates()), ids=lambda p: str(p.relative_to(BASE / "templates")))
def test_template_has_no_untranslated_text(path):
    assert visible_words(path.read_text(encoding="utf-8")) == []


def test_the_checker_finds_untranslated_text():
    assert visible_words("<p>Hello {{ name }}</p>") == ["Hello"]
    assert visible_words('<a title="Open">{% translate "x" %}</a>') == ["Open"]
    assert visible_words("{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}<b>{{ x }}</b> · 2025") == []


def test_numbers_and_dates_follow_the_language():
    import datetime

    with translation.override("vi"):
        assert formats.number_format(Decimal("1234.5"), 1, use_l10n=True, force_grouping=True) == "1.234,5"
        assert formats.date_format(datetime.date(2026, 12, 31), "SHORT_DATE_FORMAT") == "31/12/2026"
    with translation.override("en"):
        assert formats.number_format(Decimal("1234.5"), 1, use_l10n=True, force_grouping=True) == "1,234.5"


def test_vietnamese_is_the_default_and_speaks_vietnamese(db):
    assert settings.LANGUAGE_CODE == "vi"
    with translation.override("vi"):
        assert Template("{% load i18n %}{% translate 'Sign in' %}").render(Context()) == "Đăng nhập"
