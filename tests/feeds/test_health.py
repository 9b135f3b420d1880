"""Feed health: problems found by real fetches from a local server, the daily digest by e-mail,
the admin's panel, and last errors shown in the reader's language."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.users.models import UserProfile

from feeds import health
from feeds.models import FetchLog, Source, SourceProblem
from feeds.tasks import refresh
from mediahub.fetch.errors import in_words
from tests.factories import EditorFactory, PartnerUserFactory, SourceFactory
from tests.feeds.documents import rss

pytestmark = pytest.mark.django_db

SOURCES = "/admin/snippets/feeds/source/"
Kind = SourceProblem.Kind


@pytest.fixture(autouse=True)
def _private_networks_allowed(settings):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = True


def fetch(source: Source):
    """Fetch the source as the schedule would, from its stored state."""
    return refresh(Source.objects.get(pk=source.pk))


def open_kinds(source: Source) -> set[str]:
    return set(SourceProblem.objects.open().filter(source=source).values_list("kind", flat=True))


def speaking(user, language: str):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def test_failing_for_more_than_a_day_is_found_and_resolves_when_the_source_recovers(
    http_server, partner
):
    answer = {"status": 500}
    http_server.route("/feed", lambda req: (answer["status"], {}, rss(("1", "Een"))))
    source = SourceFactory(partner=partner, url=http_server.url("/feed"))
    Source.objects.filter(pk=source.pk).update(last_success_at=timezone.now() - timedelta(hours=2))

    fetch(source)
    assert open_kinds(source) == set()  # failing for two hours is not yet a problem

    Source.objects.filter(pk=source.pk).update(last_success_at=timezone.now() - timedelta(days=2))
    fetch(source)
    fetch(source)
    problem = SourceProblem.objects.get(source=source)
    assert problem.kind == Kind.FAILING and problem.resolved_at is None
    with translation.override("en"):
        assert "The server had a problem (HTTP 500" in health.describe(problem)

    answer["status"] = 200
    fetch(source)
    assert open_kinds(source) == set()
    assert SourceProblem.objects.get(source=source).resolved_at is not None


def test_a_source_that_never_worked_is_failing_a_day_after_it_was_added(http_server, partner):
    http_server.route("/feed", status=500)
    source = SourceFactory(partner=partner, url=http_server.url("/feed"))
    Source.objects.filter(pk=source.pk).update(created_at=timezone.now() - timedelta(days=2))

    fetch(source)

    assert open_kinds(source) == {Kind.FAILING}


def test_a_permanent_redirect_moves_the_source_and_is_reported(http_server, partner):
    http_server.route("/old", status=301, headers={"Location": "/new"})
    http_server.route("/new", body=rss(("1", "Een")))
    source = SourceFactory(partner=partner, url=http_server.url("/old"))

    fetch(source)

    source.refresh_from_db()
    assert source.url == http_server.url("/new")
    problem = SourceProblem.objects.get(source=source, kind=Kind.MOVED)
    assert problem.detail == {
        "from": http_server.url("/old"),
        "to": http_server.url("/new"),
        "changed": True,
    }
    with translation.override("en"):
        assert "the source's address was changed" in health.describe(problem)


def test_a_redirect_to_an_address_already_registered_stays_open(http_server, partner):
    http_server.route("/old", status=308, headers={"Location": "/new"})
    http_server.route("/new", body=rss(("1", "Een")))
    SourceFactory(partner=partner, url=http_server.url("/new"))
    source = SourceFactory(partner=partner, url=http_server.url("/old"))

    fetch(source)
    fetch(source)

    source.refresh_from_db()
    assert source.url == http_server.url("/old")
    problem = SourceProblem.objects.open().get(source=source)
    assert (problem.kind, problem.detail["changed"]) == (Kind.MOVED, False)


def test_a_gone_feed_is_switched_off_and_reported(http_server, partner):
    http_server.route("/feed", status=410)
    source = SourceFactory(partner=partner, url=http_server.url("/feed"))

    fetch(source)

    source.refresh_from_db()
    assert not source.active
    assert open_kinds(source) == {Kind.GONE}


def test_items_reappearing_under_new_ids_are_unstable_ids(http_server, partner):
    fetches = {"count": 0}

    def feed(request):
        fetches["count"] += 1
        items = "".join(
            f"<item><guid isPermaLink='false'>{name}-{fetches['count']}</guid>"
            f"<title>{name}</title><link>https://omroep.example.nl/{name}</link></item>"
            for name in ("een", "twee", "drie")
        )
        return 200, {}, f"<rss version='2.0'><channel><title>T</title>{items}</channel></rss>"

    http_server.route("/feed", feed)
    source = SourceFactory(partner=partner, url=http_server.url("/feed"))

    fetch(source)
    assert open_kinds(source) == set()
    fetch(source)

    problem = SourceProblem.objects.get(source=source)
    assert (problem.kind, problem.detail) == (Kind.UNSTABLE_IDS, {"count": 3, "entries": 3})


def test_a_feed_with_stable_ids_is_no_problem(http_server, partner):
    http_server.route("/feed", body=rss(("1", "Een"), ("2", "Twee")))
    source = SourceFactory(partner=partner, url=http_server.url("/feed"))
    fetch(source)
    http_server.route("/feed", body=rss(("1", "Een"), ("2", "Twee"), ("3", "Drie")))
    fetch(source)

    assert open_kinds(source) == set()


@pytest.fixture
def gone_source(http_server, partner):
    http_server.route("/gone", status=410)
    source = SourceFactory(partner=partner, url=http_server.url("/gone"))
    fetch(source)
    return source


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def test_the_digest_reaches_the_partner_once_a_day_and_only_its_own_users(
    groups, http_server, partner, other_partner, gone_source
):
    member = PartnerUserFactory(partner=partner, email="lid@rtv.example")
    outsider = PartnerUserFactory(partner=other_partner, email="buiten@elders.example")

    health.send_digests()
    health.send_digests()

    assert len(mails_to(member.email)) == 1
    assert mails_to(outsider.email) == []
    message = mails_to(member.email)[0]
    assert str(gone_source) in message.body
    assert f"{SOURCES}inspect/{gone_source.pk}/" in message.body

    http_server.route("/broken", status=500)
    later = SourceFactory(partner=partner, url=http_server.url("/broken"))
    Source.objects.filter(pk=later.pk).update(created_at=timezone.now() - timedelta(days=2))
    fetch(later)
    health.send_digests()
    assert len(mails_to(member.email)) == 1  # the same day: it waits for tomorrow

    yesterday = timezone.now() - timedelta(days=1)
    SourceProblem.objects.filter(notified_at__isnull=False).update(notified_at=yesterday)
    health.send_digests()
    assert len(mails_to(member.email)) == 2
    assert str(later) in mails_to(member.email)[1].body


def test_nothing_new_sends_nothing(groups, partner):
    PartnerUserFactory(partner=partner, email="lid@rtv.example")
    EditorFactory(email="redactie@stad.example")

    assert health.send_digests() == "sent=0"
    assert mail.outbox == []


def test_editors_get_one_digest_for_all_partners(
    groups, http_server, partner, other_partner, gone_source
):
    editor = EditorFactory(email="redactie@stad.example")
    http_server.route("/elders", status=410)
    elsewhere = SourceFactory(partner=other_partner, url=http_server.url("/elders"))
    fetch(elsewhere)

    health.send_digests()
    health.send_digests()

    [message] = mails_to(editor.email)
    assert partner.name in message.body and other_partner.name in message.body


def test_the_digest_speaks_the_recipients_language(groups, partner, gone_source):
    dutch = speaking(PartnerUserFactory(partner=partner, email="nl@rtv.example"), "nl")
    english = speaking(PartnerUserFactory(partner=partner, email="en@rtv.example"), "en")

    health.send_digests()

    problem = SourceProblem.objects.get(source=gone_source)
    for user, language in ((dutch, "nl"), (english, "en")):
        with translation.override(language):
            assert health.describe(problem) in mails_to(user.email)[0].body
            subject = gettext("Feed problems of %(partner)s") % {"partner": partner.name}
        assert mails_to(user.email)[0].subject == subject
    assert mails_to(dutch.email)[0].subject.startswith("Feedproblemen van")


def test_the_home_panel_lists_own_open_problems_and_editors_see_all(
    client, groups, http_server, partner, other_partner, gone_source
):
    http_server.route("/elders", status=410)
    elsewhere = SourceFactory(partner=other_partner, url=http_server.url("/elders"))
    fetch(elsewhere)
    member = speaking(PartnerUserFactory(partner=partner), "en")

    client.force_login(member)
    page = client.get("/admin/").content.decode()
    assert "Feed problems" in page
    assert str(gone_source) in page and str(elsewhere) not in page

    client.force_login(speaking(EditorFactory(), "en"))
    page = client.get("/admin/").content.decode()
    assert str(gone_source) in page and str(elsewhere) in page


def test_the_inspect_view_lists_the_sources_problems(client, groups, partner, gone_source):
    client.force_login(speaking(PartnerUserFactory(partner=partner), "en"))

    page = client.get(f"{SOURCES}inspect/{gone_source.pk}/").content.decode()

    assert "Feed problems" in page and "Feed gone" in page


def test_the_last_error_is_shown_in_the_users_language(client, groups, http_server, partner):
    http_server.route("/feed", status=500)
    source = SourceFactory(partner=partner, url=http_server.url("/feed"))
    fetch(source)
    source.refresh_from_db()
    log = FetchLog.objects.get(source=source)
    assert source.last_error_detail["msgid"] == log.error_detail["msgid"]
    assert source.last_error.startswith("The server had a problem (HTTP 500")

    client.force_login(speaking(PartnerUserFactory(partner=partner), "nl"))
    with translation.override("nl"):
        dutch = gettext(source.last_error_detail["msgid"]) % source.last_error_detail["params"]
    assert dutch.startswith("De server had een probleem (HTTP 500")
    assert dutch in client.get(SOURCES).content.decode()
    assert dutch in client.get(f"{SOURCES}inspect/{source.pk}/").content.decode()


def test_errors_are_translated_when_shown_and_old_text_stays_readable():
    detail = {"msgid": "Gone: %(reason)s", "params": {"reason": "410"}}
    with translation.override("nl"):
        assert in_words("Gone: 410", detail) == gettext("Gone: %(reason)s") % {"reason": "410"}
        assert in_words("Gone: 410", detail) != "Gone: 410"
        assert in_words("De server antwoordde 500", {}) == "De server antwoordde 500"
    with translation.override("en"):
        assert in_words("Gone: 410", detail) == "Gone: 410"
