"""axe-core finds no serious or critical violation on the sign-in page and the home page."""


def test_login_page_is_accessible(page, live_server, axe, db):
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe() == []
    page.watch.assert_clean()


def test_every_form_field_has_a_label_on_login(page, live_server, db):
    page.goto(f"{live_server.url}/accounts/login/")
    unlabeled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name)"""
    )
    assert unlabeled == []
