"""A resident's and an editor's first look, in a real browser."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_and_wall_load_without_console_errors(page, make_post):
    make_post(title="Fietsbrug geopend")
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.get_by_role("link", name="Naar de muurkrant").click()
    page.wait_for_url("**/muurkrant/")
    assert page.get_by_role("heading", name="Fietsbrug geopend").is_visible()
    assert page.console_errors == []
    assert page.foreign_requests == []


def test_admin_login_page_loads_without_console_errors(page, editor):
    page.goto("/admin/login/")
    page.fill("#id_username", "redacteur")
    page.fill("#id_password", "pw-editor-1")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/admin/")
    assert page.console_errors == []
    assert page.foreign_requests == []
