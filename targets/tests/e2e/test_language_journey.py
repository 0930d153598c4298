"""The language switch in a real browser: from Vietnamese (the default) to English and back, on a target's
page. The switch keeps the page, and the page changes its language: <html lang>, the labels, and the way
it writes numbers (71,2 in Vietnamese, 71.2 in English)."""

import unicodedata

from targets import demo

from .pages import html_lang, target_numbers


def switch_to(page, language):
    page.locator(f"nav form button[name=language][value={language}]").click()
    page.locator(f"html[lang={language}]").wait_for(state="attached")


def test_the_language_switch_keeps_the_page(page, sign_in, leader, program, live_server):
    demo.demo_load(program=program)
    sign_in("leader")
    url = f"{live_server.url}/p/12-ctr-qu/targets/KT-03/?year=2025"
    page.goto(url)
    nav = page.locator("#main-nav .navbar-nav")
    assert html_lang(page) == "vi"
    assert nav.locator("a[href='/p/12-ctr-qu/']").inner_text() == "Tổng quan"
    in_vietnamese = page.locator("table.year-table").inner_text()
    figures = target_numbers(page)["figures"]
    assert any(value != value.to_integral_value() for value in figures.values())  # a decimal mark to see

    switch_to(page, "en")
    assert page.url == url
    assert nav.locator("a[href='/p/12-ctr-qu/']").inner_text() == "Overview"
    # Django's name for Vietnamese is written with combining accents (NFD): compare the letters.
    back = page.locator("nav form button[name=language][value=vi]")
    assert unicodedata.normalize("NFC", back.inner_text()) == "Tiếng Việt" and back.get_attribute("lang") == "vi"
    # The same figures, written the English way (target_numbers reads them in the page's language).
    assert target_numbers(page)["figures"] == figures
    assert page.locator("table.year-table").inner_text() != in_vietnamese

    switch_to(page, "vi")
    assert page.url == url
    assert nav.locator("a[href='/p/12-ctr-qu/']").inner_text() == "Tổng quan"
    assert page.locator("table.year-table").inner_text() == in_vietnamese
