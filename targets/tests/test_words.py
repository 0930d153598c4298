"""The words of the pages (issue 16): Vietnamese wherever a library left English, one meaning per word,
names in the reader's language, dates day first, and Vietnamese by default whatever the browser says."""

import datetime
import re

import django_tables2 as tables
import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from targets import services
from targets.models import DomainGroup, Target, Unit

from .factories import Status, make_report, target

# --- Libraries' words ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("msgid", "vietnamese"),
    [
        ("previous", "Trang trước"),  # django-tables2's pagination
        ("next", "Trang sau"),
        ("Show counts", "Hiện số lượng"),  # the admin's facets
        ("Add", "Thêm"),  # not Django's "Thêm vào"
        ("access attempts", "lần đăng nhập"),  # django-axes
    ],
)
def test_the_libraries_words_are_vietnamese(msgid, vietnamese):
    with translation.override("vi"):
        assert translation.gettext(msgid) == vietnamese


def test_the_tables_pagination_is_vietnamese(rf):
    class Numbers(tables.Table):
        n = tables.Column()

    request = rf.get("/?page=2")
    table = Numbers([{"n": i} for i in range(3)])
    tables.RequestConfig(request, paginate={"per_page": 1}).configure(table)
    with translation.override("vi"):
        html = Template("{% load django_tables2 %}{% render_table table %}").render(
            Context({"table": table, "request": request})
        )
    assert "Trang trước" in html and "Trang sau" in html
    assert not re.search(r">\s*(previous|next)\s*<", html)


def test_the_admin_says_access_attempts_in_vietnamese(client_for, office):
    html = client_for(office).get("/admin/").content.decode()
    assert "Access attempts" not in html and "Lần đăng nhập" in html
    html = client_for(office).get("/admin/targets/target/").content.decode()
    assert "Show counts" not in html and "Thêm vào" not in html


# --- One meaning per word ----------------------------------------------------------------------------------------


def test_year_state_and_the_link_to_a_report_say_different_things(client_for, office, program):
    html = client_for(office).get("/p/12-ctr-qu/reviews/2025/").content.decode()
    assert 'data-closed="false">Chưa chốt số liệu</span>' in html
    make_report(target=target("VH-01"), author=office, status=Status.APPROVED)
    html = client_for(office).get("/reports/?status=approved").content.decode()
    assert ">Xem</a>" in html and ">Mở</a>" not in html


def test_the_progress_status_achieved_is_a_milestone_met():
    with translation.override("vi"):
        assert translation.pgettext("progress status", "Achieved") == "Đã đạt mốc"
        assert translation.gettext("Achieved") == "Đạt"  # the verdict of a year stays "Đạt"


def test_a_figure_without_a_plan_says_there_is_no_plan(client_for, office, program):
    # KT-05 has no baseline and milestones in 2025 and 2030: 2023 has no plan, but a figure.
    make_report(target=target("KT-05"), author=office, status=Status.APPROVED, year=2023, value="20")
    html = client_for(office).get("/p/12-ctr-qu/reviews/2023/").content.decode()
    row = html.split('id="review-KT-05"')[1].split("</tr>")[0]
    assert "Chưa có kế hoạch để đánh giá" in row and "Chưa có số liệu" not in row
    html = client_for(office).get("/p/12-ctr-qu/targets/KT-05/").content.decode()
    assert "Chưa có kế hoạch để đánh giá" in html


def test_the_pace_of_a_percentage_is_in_percentage_points(client_for, office, program, time_machine):
    time_machine.move_to("2025-06-01")
    make_report(target=target("KT-03"), author=office, status=Status.APPROVED, year=2024, value="60")
    # KT-03 is a share in %: from 60 in 2024 to 66 in 2025 is six percentage points, not "6 %".
    html = client_for(office).get("/p/12-ctr-qu/targets/KT-03/").content.decode()
    assert "Tốc độ cần đạt: +6 điểm % mỗi năm đến năm 2025." in html


def test_the_closing_names_the_person_the_year_and_the_hour(client_for, office, program, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 2, 10, 21, tzinfo=datetime.UTC))  # 17:21 in Hà Nội
    get_user_model().objects.filter(pk=office.pk).update(first_name="Văn An", last_name="Nguyễn")
    services.year_close(user=get_user_model().objects.get(pk=office.pk), program=program, year=2025)
    html = client_for(office).get("/p/12-ctr-qu/reviews/2025/").content.decode()
    note = html.split('id="closure-note">')[1].split("</p>")[0]
    assert "đã chốt số liệu năm 2025 lúc 17 giờ 21 ngày 02/12/2026" in note
    assert "Nguyễn" in note and "office" not in note


def test_reopening_without_a_reason_says_why_a_reason_is_needed(client_for, office, program):
    services.year_close(user=office, program=program, year=2025)
    response = client_for(office).post("/p/12-ctr-qu/reviews/2025/reopen/", {"reason": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Trường này là bắt buộc." not in html
    with translation.override("vi"):
        assert translation.gettext("Say why the year is reopened.") in html


def test_the_source_note_is_not_shown_as_english_seed_text(client_for, leader, program):
    # XD-01's note is "S11 analogue; illustrative": the reader learns the values are illustrative.
    html = client_for(leader).get("/p/12-ctr-qu/targets/XD-01/").content.decode()
    assert "S11 analogue" not in html and "illustrative" not in html
    assert "Một số giá trị là minh họa" in html
    # KT-01's ("S13 baseline; S3 city values") marks nothing illustrative: an internal note only.
    html = client_for(leader).get("/p/12-ctr-qu/targets/KT-01/").content.decode()
    assert "city values" not in html and 'id="source-note"' not in html


# --- Names in the reader's language, dates day first -----------------------------------------------------------


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_english_pages_use_the_stored_english_names(client_for, leader, program):
    client = english(client_for(leader))
    html = client.get("/p/12-ctr-qu/targets/KT-01/").content.decode()
    assert "Average growth of gross output" in html and "%/year" in html
    assert DomainGroup.objects.get(program=program, code="KT").name_en in html
    assert "Finance and Planning Division" in html  # the lead unit, PTCKH
    html = client.get("/p/12-ctr-qu/").content.decode()
    assert Unit.objects.get(code="PVHTT").name_en in html
    # In Vietnamese, the Vietnamese names.
    client.cookies["django_language"] = "vi"
    assert "Phòng Tài chính - Kế hoạch" in client.get("/p/12-ctr-qu/targets/KT-01/").content.decode()


def test_a_name_without_an_english_one_stays_vietnamese(program):
    Target.objects.filter(code="KT-01").update(name_en="")
    with translation.override("en"):
        assert Target.objects.get(code="KT-01").display_name == Target.objects.get(code="KT-01").name


def test_english_dates_are_day_first():
    day = datetime.date(2026, 12, 2)
    with translation.override("en"):
        assert Template('{{ day|date:"SHORT_DATE_FORMAT" }}').render(Context({"day": day})) == "02/12/2026"
    with translation.override("vi"):
        assert Template('{{ day|date:"SHORT_DATE_FORMAT" }}').render(Context({"day": day})) == "02/12/2026"


# --- The language: Vietnamese until the user picks another --------------------------------------------------------


def test_vietnamese_whatever_the_browser_asks(client, program):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.content.decode()


def test_the_language_switch_still_works(client, program):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    response = client.get("/accounts/login/")
    assert response.headers["Content-Language"] == "en" and "Sign in" in response.content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert client.get("/accounts/login/").headers["Content-Language"] == "vi"


def test_an_unknown_language_in_the_cookie_falls_back_to_vietnamese(client, program):
    client.cookies["django_language"] = "xx"
    assert client.get("/accounts/login/").headers["Content-Language"] == "vi"


# --- Units and people by name --------------------------------------------------------------------------------------


def test_reports_name_units_and_people(client_for, office, staff_a, program):
    get_user_model().objects.filter(pk=staff_a.pk).update(first_name="Thị Bình", last_name="Trần")
    make_report(target=target("VH-01"), author=staff_a, status=Status.SUBMITTED)
    html = client_for(office).get("/reports/").content.decode()
    assert "Phòng Văn hóa và Thông tin" in html and "Trần" in html
    make_report(target=target("VH-02"), author=staff_a, status=Status.APPROVED, value="5")
    html = client_for(office).get("/p/12-ctr-qu/").content.decode()
    latest = html.split('id="latest"')[1].split("</section>")[0]
    assert 'title="PVHTT">Phòng Văn hóa và Thông tin</a>' in latest


def test_the_unit_breadcrumb_names_the_unit(client_for, leader, program):
    html = client_for(leader).get("/p/12-ctr-qu/units/PVHTT/").content.decode()
    crumb = html.split('aria-current="page">')[1].split("</li>")[0]
    assert "Phòng Văn hóa và Thông tin" in crumb and 'title="PVHTT"' in crumb
