"""What the browser tests read from the pages: the numbers a page carries (its tables, and its charts'
json_script data), parsed back into Python, and the keyboard's moves. Numbers, not pixels, so the tests
hold in either language and whatever the chart library draws."""

import json
import re
from decimal import Decimal

NUMBER = re.compile(r"^[−-]?[\d.,]*\d")


def parse_number(text: str, lang: str) -> Decimal | None:
    """A number as the page writes it (1.234,5 in Vietnamese, 1,234.5 in English); None for no number."""
    match = NUMBER.match(text.strip())
    if match is None:
        return None
    digits = match.group().replace("−", "-")
    thousands, decimal = (".", ",") if lang == "vi" else (",", ".")
    return Decimal(digits.replace(thousands, "").replace(decimal, "."))


def chart_data(page, element_id: str):
    """The data a chart is drawn from: the json_script element ``element_id``."""
    return json.loads(page.locator(f"script#{element_id}").text_content())


def html_lang(page) -> str:
    return page.evaluate("document.documentElement.lang")


OVERVIEW_TABLES = """() => ({
  counts: Object.fromEntries([...document.querySelectorAll("table.status-counts td[data-status]")]
    .map((td) => [td.dataset.status, td.textContent.trim()])),
  groupKeys: [...document.querySelectorAll("#groups thead th .status-badge")]
    .map((badge) => [...badge.classList].find((c) => c.startsWith("status-") && c !== "status-badge").slice(7)),
  groups: [...document.querySelectorAll("#groups tbody tr")].map((tr) => ({
    code: tr.querySelector("th a").getAttribute("href").split("/")[4],
    counts: [...tr.querySelectorAll("td")].map((td) => td.textContent.trim()),
  })),
})"""


def overview_numbers(page) -> dict:
    """The overview's numbers, from its tables and from its two charts' data, which must agree:
    {"counts": {status: n}, "groups": {group code: {status: n}}}."""
    tables = page.evaluate(OVERVIEW_TABLES)
    counts = {key: int(value) for key, value in tables["counts"].items()}
    doughnut = chart_data(page, "status-chart")
    assert dict(zip(doughnut["keys"], doughnut["values"], strict=True)) == counts, (doughnut, counts)

    keys = tables["groupKeys"]
    groups = {}
    for row in tables["groups"]:
        *by_status, total = [int(n) for n in row["counts"]]
        groups[row["code"]] = dict(zip(keys, by_status, strict=True))
        assert sum(by_status) == total, row
    bars = chart_data(page, "groups-chart")
    assert [s["key"] for s in bars["series"]] == keys
    drawn = {key: [s["values"] for s in bars["series"] if s["key"] == key][0] for key in keys}
    for index, code in enumerate(groups):
        assert {key: drawn[key][index] for key in keys} == groups[code], (code, drawn, groups[code])
    return {"counts": counts, "groups": groups}


YEAR_TABLE = """() => [...document.querySelectorAll("table.year-table tbody tr")].map((tr) => ({
  year: tr.querySelector("th").textContent.trim(),
  figure: tr.querySelectorAll("td")[1].textContent.trim(),
}))"""


def target_numbers(page) -> dict:
    """A target page's progress status and approved figures by year, from its year table and from its
    trend chart's data, which must agree: {"status": key, "figures": {year: Decimal}}."""
    lang = html_lang(page)
    table = {int(row["year"]): parse_number(row["figure"], lang) for row in page.evaluate(YEAR_TABLE)}
    chart = chart_data(page, "trend-chart")
    drawn = next(s["values"] for s in chart["series"] if s["key"] == "figure")
    as_drawn = {
        year: None if value is None else Decimal(str(value)) for year, value in zip(chart["labels"], drawn, strict=True)
    }
    assert as_drawn == table, (as_drawn, table)
    status = page.locator(".progress-explained").get_attribute("data-status")
    return {"status": status, "figures": {year: value for year, value in table.items() if value is not None}}


def sparkline_numbers(page) -> dict:
    """A group page's sparklines: {code: {year: Decimal}} from each canvas's text alternative (its
    aria-label), checked against the chart data it is drawn from."""
    lang = html_lang(page)
    data = chart_data(page, "sparklines")
    found = {}
    for canvas in page.locator("canvas[data-chart=sparkline]").all():
        code = canvas.get_attribute("data-key")
        said = canvas.get_attribute("aria-label").split(": ", 1)[1]
        pairs = [item.split(" ", 1) for item in said.split("; ")]
        found[code] = {int(year): parse_number(value, lang) for year, value in pairs}
        drawn = {
            year: Decimal(str(value))
            for year, value in zip(data[code]["labels"], data[code]["values"], strict=True)
            if value is not None
        }
        assert found[code] == drawn, (code, found[code], drawn)
    assert sorted(found) == sorted(data)
    return found


# --- The keyboard ------------------------------------------------------------------------------------------

FOCUSED = """(selector) => {
  const el = document.activeElement;
  const style = el && getComputedStyle(el);
  return {
    matches: Boolean(el && el.matches(selector)),
    id: el ? el.id : "",
    ring: Boolean(style && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2),
  };
}"""


def tab_to(page, selector: str, *, limit: int = 40) -> None:
    """Presses Tab until the focus is on ``selector`` (at most ``limit`` times), and checks that the
    focused element shows a visible focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED, selector)
        if focused["matches"]:
            assert focused["ring"], f"{selector} has the focus but no visible focus ring"
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")
