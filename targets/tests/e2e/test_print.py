"""Pages on paper (issue 15): a leader prints the one-page briefing and finds one A4 page; the overview,
a target and the review print with their heading and content and without the navigation, on pages that
all carry text. Chromium prints them (page.pdf, print media), pypdf reads the PDF back.
Screenshot: briefing."""

import unicodedata
from io import BytesIO

import pytest
from pypdf import PdfReader

from targets import demo as demo_data
from targets import services
from targets.models import ProgressReport

# What only the navigation bar and the footer say: none of it belongs on paper.
NAV_WORDS = ["Đăng xuất", "Sign out", "English", "Chỉ tiêu nghị quyết", "Theo dõi chỉ tiêu nghị quyết"]


@pytest.fixture
def demo(program, office):
    """The demo's figures and tasks, with 2025 closed: the briefing counts against its end."""
    demo_data.demo_load(program=program)
    # Closing leaves the submitted reports out; the demo's 2025 has none waiting.
    ProgressReport.objects.filter(year=2025, status=ProgressReport.Status.SUBMITTED).update(
        status=ProgressReport.Status.RETURNED
    )
    services.year_close(user=office, program=program, year=2025, reason="Kỳ họp tổng kết năm")
    return program


def flat(text: str) -> str:
    """Text as a PDF gives it back, to compare with the page's: ligatures undone (ﬁ), no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def printed(page) -> list[str]:
    """The text of each page of the current page printed on A4."""
    reader = PdfReader(BytesIO(page.pdf(format="A4")))
    for sheet in reader.pages:
        width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
        # A4 portrait, 595 × 842 points (Chromium rounds its size in pixels up by a point).
        assert abs(width - 595) <= 2 and abs(height - 842) <= 2, (width, height)
    return [sheet.extract_text() for sheet in reader.pages]


def assert_printed_well(page, texts: list[str]) -> None:
    heading = page.locator("main h1").first.inner_text()
    assert flat(heading) in flat(texts[0]), (heading, texts[0][:300])
    for number, text in enumerate(texts, start=1):
        assert text.strip(), f"page {number} of {len(texts)} is empty"
        for words in NAV_WORDS:
            assert flat(words) not in flat(text), (words, number)


def test_the_briefing_prints_on_one_page(page, sign_in, demo, live_server, screenshot):
    sign_in("leader")
    page.goto(f"{live_server.url}/p/12-ctr-qu/")
    page.locator("#briefing-link").click()
    page.wait_for_url(f"{live_server.url}/p/12-ctr-qu/briefing/")
    assert "so với năm 2025 đã chốt" in page.locator("#briefing-status").inner_text()
    for section in ("#briefing-groups", "#briefing-off-track", "#briefing-tasks", "#briefing-units"):
        assert page.locator(section).is_visible()
    screenshot("briefing")
    texts = printed(page)
    assert len(texts) == 1, [text[:80] for text in texts]
    assert_printed_well(page, texts)
    assert flat("Nhiệm vụ quá hạn") in flat(texts[0]) and flat("Đơn vị chậm") in flat(texts[0])


@pytest.mark.parametrize(
    "path",
    ["/p/12-ctr-qu/", "/p/12-ctr-qu/targets/XD-01/", "/p/12-ctr-qu/reviews/2025/"],
    ids=["overview", "target", "review"],
)
def test_a_page_prints_without_its_navigation(page, sign_in, demo, live_server, path):
    sign_in("leader")
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("networkidle")
    texts = printed(page)
    assert_printed_well(page, texts)
    whole = flat(" ".join(texts))
    if path.endswith("/targets/XD-01/"):
        # The history is left out; the definition and the figures are kept.
        assert flat("Lịch sử thay đổi") not in whole and flat("Nội dung chỉ tiêu") in whole
    if path == "/p/12-ctr-qu/":
        # The latest figures print the targets' names where the screen shows their codes.
        code = page.locator("#latest tbody tr td a").first
        name = code.get_attribute("title")
        assert flat(name)[:40] in whole
