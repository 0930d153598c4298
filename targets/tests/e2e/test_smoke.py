"""The smallest journey: the office signs in and sees the programme's six groups."""

from targets.services import DEMO_PASSWORD


def test_office_signs_in_and_sees_the_six_groups(page, sign_in, office, program, live_server):
    assert DEMO_PASSWORD == "demo-password"
    sign_in("office")
    assert page.url == f"{live_server.url}/p/12-ctr-qu/"
    # The overview's table of targets by group (test_dashboard.py checks its charts).
    headings = page.locator("#groups tbody th").all_inner_texts()
    assert headings[:6] == [
        "1. Xây dựng Đảng",
        "2. Kinh tế",
        "3. Văn hóa - xã hội",
        "4. Xây dựng và quản lý đất đai",
        "5. Đô thị",
        "6. An ninh - quốc phòng",
    ]
    page.watch.assert_clean()
