"""The review workbook as LibreOffice prints it (the real client): A4 landscape, the Party-document header
on the first page, no empty page, and the table's header row repeated on every page of the review sheet."""

import datetime

import pytest
from django.utils import translation
from pypdf import PdfReader

from targets import exports
from targets.models import ReviewReport

from .factories import Status, make_report
from .office import office_convert  # noqa: F401 (the session's LibreOffice)

YEAR = 2025
A4_LANDSCAPE = (842, 595)  # points


@pytest.fixture
def review_pdf(program, office, office_convert, tmp_path):  # noqa: F811
    targets = {t.code: t for t in program.targets.all()}
    for code, value in [("XD-01", "97"), ("XD-03", "379"), ("AN-04", "5.4"), ("VH-01", "72.5")]:
        approved = {"status": Status.APPROVED, "author": office, "reviewer": office}
        make_report(target=targets[code], year=YEAR, value=value, **approved)
    ReviewReport.objects.create(
        program=program, year=YEAR, number="45-BC/QU", dated=datetime.date(2026, 12, 5), signer_name="Nguyễn Văn An"
    )
    with translation.override("vi"):
        data = exports.annual_review_workbook(program=program, year=YEAR)
    path = tmp_path / "review.xlsx"
    path.write_bytes(data)
    (pdf,) = office_convert([path], tmp_path / "pdf")
    return PdfReader(pdf)


def test_the_review_workbook_prints_on_a4_landscape_with_its_header_on_every_page(review_pdf):
    pages = review_pdf.pages
    texts = [page.extract_text() for page in pages]
    for page, text in zip(pages, texts, strict=True):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == A4_LANDSCAPE
        # No empty page: more on it than the page number of the footer ("2 / 5").
        assert len(text.replace("/", "").split()) > 3, text

    first = texts[0]
    for words in [
        "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI",
        "QUẬN ỦY CẦU GIẤY",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 45-BC/QU",
        "Cầu Giấy, ngày 05 tháng 12 năm 2026",
        "PHỤ LỤC",
        "BÁO CÁO KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CHỦ YẾU NĂM 2025",
    ]:
        assert words in first, words

    # The review sheet's pages: those before the group sheet's title. Each repeats the column titles.
    group_title = "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CHỦ YẾU THEO NHÓM LĨNH VỰC NĂM 2025"
    review_pages = texts[: next(i for i, text in enumerate(texts) if group_title in text)]
    assert len(review_pages) >= 2, "the review sheet should run over more than one page"
    for text in review_pages:
        for title in ("STT", "Chỉ tiêu", "Đánh giá", "Đơn vị chủ trì", "Đơn vị phối hợp"):
            assert title in text
    # The signature under the totals, on the review's last page.
    assert "T/M BAN THƯỜNG VỤ" in review_pages[-1] and "Nguyễn Văn An" in review_pages[-1]
    assert "đạt và vượt" in review_pages[-1]
