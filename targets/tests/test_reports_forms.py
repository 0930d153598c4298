"""Reading figures as people type them, and judging evidence files by their content."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from targets.forms import parse_figure, sniff_evidence
from targets.templatetags.report_tags import figure, figure_input, plain_decimal


@pytest.mark.parametrize(
    "typed, number",
    [
        ("7,5", "7.5"),
        ("7.5", "7.5"),
        (" 7,5 ", "7.5"),
        ("0,125", "0.125"),
        (",5", "0.5"),
        ("-3,25", "-3.25"),
        ("−3,25", "-3.25"),  # the minus sign of word processors
        ("+4", "4"),
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
        ("1 234 567", "1234567"),
        ("1\u00a0234,5", "1234.5"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("1234,5678", "1234.5678"),
        ("7,50000", "7.5"),  # trailing zeros are not extra places
        ("99999999999999,9999", "99999999999999.9999"),
        ("00012", "12"),
    ],
)
def test_figures_people_type(typed, number):
    for language in ("vi", "en"):
        with translation.override(language):
            assert parse_figure(typed) == Decimal(number)


@pytest.mark.parametrize(
    "typed, language, number",
    [("67,915", "vi", "67.915"), ("1.234", "en", "1.234"), ("1.234", "vi", None), ("1,234", "en", None)],
)
def test_a_single_mark_before_three_digits_is_the_languages_decimal_mark(typed, language, number):
    """In Vietnamese the point groups thousands, in English the comma: with that mark the figure could be a
    thousand times larger, so it is refused with a message naming both readings."""
    with translation.override(language):
        if number is not None:
            assert parse_figure(typed) == Decimal(number)
        else:
            with pytest.raises(ValidationError) as error:
                parse_figure(typed)
            assert error.value.code == "ambiguous"
            assert "1234" in error.value.messages[0]


@pytest.mark.parametrize(
    "typed, code",
    [
        ("", "invalid"),
        ("abc", "invalid"),
        ("bảy", "invalid"),
        ("NaN", "invalid"),
        ("inf", "invalid"),
        ("Infinity", "invalid"),
        ("1e5", "invalid"),
        ("0x1F", "invalid"),
        ("7,5,3", "invalid"),
        ("1.23.4", "invalid"),
        ("1,234.5.6", "invalid"),
        ("1.2345,6", "invalid"),
        ("--5", "invalid"),
        ("٣", "invalid"),  # digits of another script
        ("1,23456", "max_decimal_places"),
        ("100000000000000", "max_digits"),
        ("-100000000000000", "max_digits"),
    ],
)
def test_figures_refused(typed, code):
    for language in ("vi", "en"):
        with translation.override(language), pytest.raises(ValidationError) as error:
            parse_figure(typed)
        assert error.value.code == code


@given(
    st.decimals(
        min_value=Decimal("-99999999999999.9999"),
        max_value=Decimal("99999999999999.9999"),
        places=4,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_a_figure_shown_in_a_form_reads_back_the_same_in_either_language(number):
    for language in ("vi", "en"):
        with translation.override(language):
            assert parse_figure(figure_input(number)) == number


def test_figures_for_reading():
    with translation.override("vi"):
        assert figure(Decimal("1234.5000")) == "1.234,5"
        assert figure(Decimal("100.0000")) == "100"
    with translation.override("en"):
        assert figure(Decimal("1234.5")) == "1,234.5"
    assert figure(None) == "" and figure("x") == "" and plain_decimal(Decimal("NaN")) is None


def office_zip(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, kind",
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "ole"),
        (b"\xff\xd8\xff\xdb", "jpeg"),
        (b"\x89PNG\r\n\x1a\nrest", "png"),
        (office_zip("[Content_Types].xml", "word/document.xml"), "docx"),
        (office_zip("[Content_Types].xml", "xl/workbook.xml"), "xlsx"),
        (office_zip("word/document.xml"), None),  # no content types: not an Office file
        (b"PK\x03\x04broken", None),
        (b"GIF89a", None),
        (b"MZ\x90\x00", None),
        (b"", None),
    ],
)
def test_evidence_is_judged_by_its_first_bytes(content, kind):
    upload = SimpleUploadedFile("x", content)
    assert sniff_evidence(upload) == kind
    assert upload.tell() == 0  # left ready to be saved
