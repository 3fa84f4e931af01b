"""Sign-up, sign-in throttling, personal-data export and erasure."""

import json
import os
import subprocess
import sys

import pytest
from django.core import mail

from learningcity.core.models import AuditEvent, User
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def test_resident_signs_up_and_is_signed_in(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "New@Example.org", "password": "correct horse battery", "display_name": "N"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert client.get("/accounts/me/").context["user"] == user


def test_sign_up_with_a_taken_email_is_refused(resident, client):
    response = client.post(
        "/accounts/signup/", {"email": resident.email, "password": "correct horse battery"}
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert User.objects.count() == 1


def test_weak_password_is_refused_with_a_message(client):
    response = client.post("/accounts/signup/", {"email": "a@example.org", "password": "123"})
    assert response.status_code == 200
    assert not User.objects.filter(email="a@example.org").exists()


def test_sign_in_works_with_the_right_password(resident, client):
    response = client.post("/accounts/login/", {"username": resident.email, "password": PASSWORD})
    assert response.status_code == 302


def test_sign_in_is_throttled_after_repeated_failures(resident, client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(2):
        response = client.post(
            "/accounts/login/", {"username": resident.email, "password": "wrong"}
        )
        assert "not right" in response.content.decode()
    # The third failure reaches the limit: the pause starts with it.
    response = client.post("/accounts/login/", {"username": resident.email, "password": "wrong"})
    assert response.status_code == 429
    # Even the right password is refused while the pause lasts.
    response = client.post("/accounts/login/", {"username": resident.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_an_email(resident, client):
    client.post("/accounts/password-reset/", {"email": resident.email})
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_resident_downloads_their_data(resident):
    response = client_for(resident).post("/accounts/me/export/")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["account"]["email"] == resident.email
    assert AuditEvent.objects.filter(action="account.exported").exists()


def test_erasure_needs_the_password_and_then_deletes_everything(resident):
    client = client_for(resident)
    response = client.post("/accounts/me/erase/", {"password": "wrong"})
    assert response.status_code == 200
    assert User.objects.filter(pk=resident.pk).exists()
    response = client.post("/accounts/me/erase/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=resident.pk).exists()
    assert AuditEvent.objects.filter(action="account.erased", actor=None).exists()


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "LEARNINGCITY_DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "production-secret-with-enough-entropy-1234567890",
        "ALLOWED_HOSTS": "learning.example.org",
        "DJANGO_SETTINGS_MODULE": "learningcity.settings",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "learningcity.manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
