"""Sign-in protection (django-axes + core.signin), rate limits, the
Content-Security-Policy, redirects after sign-up, links in emails, HEAD requests."""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client

from learningcity.core import signin
from learningcity.core.models import SignInCounter, User
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # nginx, as the app server sees it


def _sign_in(client: Client, email: str, password: str, via: str = "", **extra: str):
    headers = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": via} if via else {}
    return client.post(
        "/accounts/login/", {"username": email, "password": password}, **headers, **extra
    )


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_ACCOUNT_LIMIT = 6


# --- Sign-in protection -------------------------------------------------------------


def test_one_person_behind_the_proxy_cannot_lock_out_everyone(behind_proxy, resident):
    """Before: 5 failures from anywhere paused the whole site behind nginx (every
    request came from the proxy's address)."""
    other = make_user("other@example.org")
    attacker = Client()
    for _ in range(3):
        _sign_in(attacker, resident.email, "wrong", via="203.0.113.9")
    assert _sign_in(attacker, resident.email, PASSWORD, via="203.0.113.9").status_code == 429
    # Someone else, through the same proxy, signs in to their own account.
    assert _sign_in(Client(), other.email, PASSWORD, via="198.51.100.7").status_code == 302
    # And the account's owner, from their own address, still gets in.
    assert _sign_in(Client(), resident.email, PASSWORD, via="198.51.100.8").status_code == 302


def test_a_forged_forwarded_for_does_not_escape_the_count(behind_proxy, resident):
    # nginx appends the real address; what the client wrote in front is not trusted.
    attacker = Client()
    for number in range(3):
        _sign_in(attacker, resident.email, "wrong", via=f"192.0.2.{number}, 203.0.113.9")
    response = _sign_in(attacker, resident.email, PASSWORD, via="192.0.2.200, 203.0.113.9")
    assert response.status_code == 429


def test_client_address_is_taken_from_the_trusted_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert signin.client_ip(request) == PROXY
    settings.TRUSTED_PROXY_COUNT = 1
    assert signin.client_ip(request) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 2
    assert signin.client_ip(request) == "1.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: not through them
    assert signin.client_ip(request) == PROXY
    bad = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not-an-address")
    settings.TRUSTED_PROXY_COUNT = 1
    assert signin.client_ip(bad) == PROXY


def test_guessing_one_account_from_many_addresses_pauses_only_that_account(behind_proxy, resident):
    other = make_user("other@example.org")
    for number in range(6):  # two tries each from three addresses: the account's cap
        _sign_in(Client(), resident.email, "wrong", via=f"203.0.113.{number // 2}")
    response = _sign_in(Client(), resident.email, PASSWORD, via="198.51.100.8")
    assert response.status_code == 429
    assert _sign_in(Client(), other.email, PASSWORD, via="203.0.113.0").status_code == 302


def test_email_case_does_not_give_more_tries(behind_proxy, resident):
    client = Client()
    for email in ("Resident@Example.org", "RESIDENT@example.org", "resident@example.org"):
        _sign_in(client, email, "wrong", via="203.0.113.9")
    assert _sign_in(client, resident.email, PASSWORD, via="203.0.113.9").status_code == 429


def test_a_successful_sign_in_starts_afresh(behind_proxy, resident):
    client = Client()
    for _ in range(2):
        _sign_in(client, resident.email, "wrong", via="203.0.113.9")
    assert _sign_in(client, resident.email, PASSWORD, via="203.0.113.9").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(2):
        _sign_in(client, resident.email, "wrong", via="203.0.113.9")
    assert _sign_in(client, resident.email, PASSWORD, via="203.0.113.9").status_code == 302


def test_the_pause_ends_after_the_window(behind_proxy, resident, settings):
    client = Client()
    for _ in range(3):
        _sign_in(client, resident.email, "wrong", via="203.0.113.9")
    assert _sign_in(client, resident.email, PASSWORD, via="203.0.113.9").status_code == 429
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 0  # every recorded attempt is now old
    assert _sign_in(client, resident.email, PASSWORD, via="203.0.113.9").status_code == 302


def test_an_operator_can_lift_a_pause(behind_proxy, resident):
    from django.core.management import call_command

    client = Client()
    for _ in range(3):
        _sign_in(client, resident.email, "wrong", via="203.0.113.9")
    assert _sign_in(client, resident.email, PASSWORD, via="203.0.113.9").status_code == 429
    call_command("axes_reset_username", resident.email)
    assert _sign_in(client, resident.email, PASSWORD, via="203.0.113.9").status_code == 302


def test_counters_hold_no_email_address_and_axes_no_password(behind_proxy, resident):
    _sign_in(Client(), resident.email, "secret-guess", via="203.0.113.9")
    assert SignInCounter.objects.count() == 2
    assert not SignInCounter.objects.filter(key__icontains="resident").exists()
    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address == "203.0.113.9"
    assert "secret-guess" not in attempt.post_data


def test_admin_login_is_protected_the_same_way(behind_proxy, site_admin):
    """Before: /admin/login/ was not throttled at all."""
    client = Client()
    for _ in range(3):
        client.post(
            "/admin/login/",
            {"username": site_admin.email, "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": site_admin.email, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_lockout_page_is_translated(behind_proxy, resident):
    client = Client(headers={"accept-language": "fr"})
    for _ in range(3):
        _sign_in(client, resident.email, "wrong", via="203.0.113.9")
    response = _sign_in(client, resident.email, PASSWORD, via="203.0.113.9")
    assert response.status_code == 429
    assert '<html lang="fr"' in response.content.decode()


def test_erasure_confirmation_counts_as_a_sign_in_attempt(behind_proxy, resident):
    client = Client()
    client.force_login(resident)
    for _ in range(3):
        client.post("/accounts/me/erase/", {"password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    response = client.post("/accounts/me/erase/", {"password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert User.objects.filter(pk=resident.pk).exists()
    assert response.status_code == 429


def test_reserving_is_refused_at_the_limit_without_counting_more(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_FAILURE_ACCOUNT_LIMIT = 10
    assert signin.reserve_attempt("a@example.org", "203.0.113.9")
    assert signin.reserve_attempt("a@example.org", "203.0.113.9")
    assert not signin.reserve_attempt("a@example.org", "203.0.113.9")
    assert signin.reserve_attempt("a@example.org", "203.0.113.10")  # another address
    account = SignInCounter.objects.get(key=signin._key("account", "a@example.org"))
    assert account.attempts == 3  # the refused one was not counted


# --- Rate limits ---------------------------------------------------------------------


@pytest.fixture
def rate_limits(settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_RATES = {
        **settings.RATELIMIT_RATES,
        "signup": "2/h",
        "password_reset": "2/h",
        "email_to_typed_address": "2/h",
    }


def test_sign_up_is_rate_limited_per_address(rate_limits, client):
    for number in range(2):
        response = client.post(
            "/accounts/signup/",
            {"email": f"new{number}@example.org", "password": "correct horse battery"},
        )
        assert response.status_code == 302
        client.post("/accounts/logout/")
    response = client.post(
        "/accounts/signup/", {"email": "new9@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 429
    assert "many times in a short while" in response.content.decode()
    assert not User.objects.filter(email="new9@example.org").exists()


def test_password_reset_is_rate_limited_per_typed_address(rate_limits, resident):
    for number in range(2):
        Client(REMOTE_ADDR=f"203.0.113.{number}").post(
            "/accounts/password-reset/", {"email": resident.email}
        )
    assert len(mail.outbox) == 2
    # From yet another address, to the same mailbox: refused, nothing sent.
    response = Client(REMOTE_ADDR="203.0.113.50").post(
        "/accounts/password-reset/", {"email": resident.email.upper()}
    )
    assert response.status_code == 429
    assert len(mail.outbox) == 2


def test_rate_limits_hold_across_processes_through_the_configured_cache():
    """The default cache is shared (files, or Redis): never a per-process memory."""
    from django.conf import settings as real

    import learningcity.settings as configured

    backend = configured.CACHES["default"]["BACKEND"]
    assert backend in {
        "django.core.cache.backends.filebased.FileBasedCache",
        "django.core.cache.backends.redis.RedisCache",
    }
    assert real.RATELIMIT_IP_META_KEY == "learningcity.core.signin.client_ip"


# --- Redirects and links -------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["https://evil.example/phish", "//evil.example", "/\\evil.example", "http:evil"]
)
def test_sign_up_never_sends_people_to_another_site(client, target):
    response = client.post(
        f"/accounts/signup/?next={target}",
        {"email": "new@example.org", "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_up_follows_a_next_on_this_site(client):
    response = client.post(
        "/accounts/signup/?next=/alpha/learn/",
        {"email": "new@example.org", "password": "correct horse battery"},
    )
    assert response["Location"] == "/alpha/learn/"


def test_password_reset_link_uses_site_url_not_the_request_host(resident, settings):
    settings.SITE_URL = "https://learning.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    Client(HTTP_HOST="attacker.example").post(
        "/accounts/password-reset/", {"email": resident.email}
    )
    body = mail.outbox[0].body
    assert re.search(r"https://learning\.example\.org/accounts/reset/\S+/\S+/", body)
    assert "attacker.example" not in body
    assert "attacker.example" not in mail.outbox[0].subject


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_sign_in_page_title_names_the_site_not_the_host(client, language):
    response = Client(headers={"accept-language": language}).get("/accounts/login/")
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
    assert "testserver" not in title and "127.0.0.1" not in title


# --- Content-Security-Policy and HEAD --------------------------------------------------


def test_pages_carry_a_strict_content_security_policy(client, city_a):
    policy = client.get("/alpha/")["Content-Security-Policy"]
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "Content-Security-Policy-Report-Only" not in client.get("/alpha/")


def test_tile_host_is_allowed_for_images():
    from learningcity.settings import _tile_origin

    assert _tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://tile.openstreetmap.org"
    )
    assert _tile_origin("https://{s}.tiles.example/{z}/{x}/{y}.png") == "https://*.tiles.example"
    assert _tile_origin("") == ""


def test_core_pages_contain_no_inline_script_style_or_handlers(client, city_a, coordinator_a):
    pages = ["/", "/network/", "/alpha/", "/accounts/login/", "/accounts/signup/"]
    bodies = [Client().get(page).content.decode() for page in pages]
    coordinator = Client()
    coordinator.force_login(coordinator_a)
    bodies += [
        coordinator.get(page).content.decode() for page in ["/alpha/manage/", "/accounts/me/"]
    ]
    for body in bodies:
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", body)
        assert not re.search(r"<style\b|\sstyle=\"|\son[a-z]+=", body)


@pytest.mark.parametrize("path", ["/", "/network/", "/alpha/", "/healthz", "/accounts/login/"])
def test_core_pages_answer_head(client, city_a, city_b, path):
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""


def test_get_only_pages_refuse_post(client, city_a):
    assert client.post("/alpha/").status_code == 405


def test_guest_enrolment_is_rate_limited_per_typed_address(rate_limits, settings, city_a):
    from learningcity.catalogue.models import Enrolment
    from tests.catalogue.factories import make_opportunity, make_provider, make_session

    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "guest_enrolment": "2/h"}
    provider = make_provider(city_a)
    sessions = [make_session(make_opportunity(provider, slug=f"o{n}")) for n in range(3)]
    for number, session in enumerate(sessions):
        response = Client(REMOTE_ADDR=f"203.0.113.{number}").post(
            f"/alpha/learn/sessions/{session.public_id}/enrol/",
            {"name": "Vic Tim", "email": "victim@example.org"},
        )
    # The third, from a third address, to the same mailbox: nothing joined (so no email).
    assert Enrolment.objects.count() == 2
    assert "many times in a short while" in response.content.decode()
