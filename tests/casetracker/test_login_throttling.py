"""Admin login throttling (django-axes) counts the client's address, not the proxy's.

Behind the TLS proxy every request arrives from the proxy's address; the
client's is the entry the proxy appended to X-Forwarded-For. Failures are
limited per username and address (AXES_FAILURE_LIMIT) and per address across
usernames (LOGIN_ADDRESS_FAILURE_LIMIT), so password spraying is slowed too.
"""

import os
import runpy

import pytest
from django.conf import settings as django_settings

from tests.helpers import start

PROXY = "10.0.0.1"
ATTACKER = "203.0.113.66"
EDITOR = "198.51.100.20"


def load_settings(**env):
    """The settings module's names, as loaded with these variables added to the environment."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        loaded = runpy.run_path(str(django_settings.BASE_DIR / "casetracker" / "settings.py"))
    finally:
        for name, value in saved.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value
    return {name: value for name, value in loaded.items() if name.isupper()}


@pytest.fixture
def behind_proxy(settings, monkeypatch):
    """Whatever DJANGO_BEHIND_TLS_PROXY=true changes in the settings, changed for this test."""
    monkeypatch.delenv("DJANGO_BEHIND_TLS_PROXY", raising=False)
    without = load_settings()
    with_proxy = load_settings(DJANGO_BEHIND_TLS_PROXY="true")
    changed = {name for name in with_proxy if with_proxy[name] != without.get(name)}
    assert changed, "DJANGO_BEHIND_TLS_PROXY=true changes no setting"
    for name in changed:
        setattr(settings, name, with_proxy[name])
    return settings


def login(client, username, password, forwarded_for=None, remote_addr=PROXY):
    headers = {"X-Forwarded-Proto": "https"}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    return client.post(
        f"/{django_settings.ADMIN_PATH}login/",
        {"username": username, "password": password},
        headers=headers,
        REMOTE_ADDR=remote_addr,
    )


def signed_in(response, client):
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_failures_from_one_address_do_not_lock_the_editor_out_at_another(
    behind_proxy, client, make_editor
):
    make_editor("ed")  # password "x"
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT):
        login(client, "ed", "wrong", forwarded_for=ATTACKER)
    response = login(client, "ed", "x", forwarded_for=EDITOR)
    assert response.status_code != 429
    assert signed_in(response, client)


def test_failures_lock_that_username_out_from_that_address(behind_proxy, client, make_editor):
    make_editor("ed")
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT - 1):
        assert login(client, "ed", "wrong", forwarded_for=ATTACKER).status_code == 200
    assert login(client, "ed", "wrong", forwarded_for=ATTACKER).status_code == 429
    # Even the right password, from that address.
    assert login(client, "ed", "x", forwarded_for=ATTACKER).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_client_cannot_pick_its_address_with_its_own_x_forwarded_for(
    behind_proxy, client, make_editor
):
    """The proxy appends the address it saw; what the client sent is to the left of it."""
    make_editor("ed")
    for i in range(behind_proxy.AXES_FAILURE_LIMIT):
        # A new made-up address each time, then the proxy's entry for the real one.
        login(client, "ed", "wrong", forwarded_for=f"192.0.2.{i}, {ATTACKER}")
    # Still locked out from the real address, whatever it claims now ...
    assert login(client, "ed", "x", forwarded_for=f"192.0.2.99, {ATTACKER}").status_code == 429
    # ... and claiming the editor's address does not lock the editor out.
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT):
        login(client, "ed", "wrong", forwarded_for=f"{EDITOR}, {ATTACKER}")
    assert signed_in(login(client, "ed", "x", forwarded_for=EDITOR), client)


def test_password_spraying_from_one_address_is_locked_out(behind_proxy, client, make_editor):
    make_editor("ed")
    limit = behind_proxy.LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit > behind_proxy.AXES_FAILURE_LIMIT
    # One guess per username never reaches the per-username limit ...
    for i in range(limit - 1):
        assert login(client, f"user{i}", "guess", forwarded_for=ATTACKER).status_code == 200
    assert login(client, "ed", "guess", forwarded_for=ATTACKER).status_code == 429
    # ... but the address is now refused for any username, even with the right password,
    assert login(client, "someone-else", "guess", forwarded_for=ATTACKER).status_code == 429
    assert login(client, "ed", "x", forwarded_for=ATTACKER).status_code == 429
    # while other addresses are not.
    assert signed_in(login(client, "ed", "x", forwarded_for=EDITOR), client)


def test_logging_in_to_ones_own_account_does_not_reset_an_addresss_failures(
    behind_proxy, client, make_editor
):
    make_editor("victim")
    make_editor("mallory")
    # Fewer failures than the per-username limit at a time, with a login between.
    per_round = behind_proxy.AXES_FAILURE_LIMIT - 1
    for _ in range(behind_proxy.LOGIN_ADDRESS_FAILURE_LIMIT // per_round + 1):
        for _ in range(per_round):
            login(client, "victim", "wrong", forwarded_for=ATTACKER)
        login(client, "mallory", "x", forwarded_for=ATTACKER)
        client.logout()
    # The address's failures kept counting across mallory's logins: it is refused.
    assert login(client, "victim", "x", forwarded_for=ATTACKER).status_code == 429
    assert signed_in(login(client, "victim", "x", forwarded_for=EDITOR), client)


def test_a_login_forgets_that_usernames_own_failures_from_that_address(
    behind_proxy, client, make_editor
):
    make_editor("ed")
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT - 1):
        login(client, "ed", "wrong", forwarded_for=EDITOR)
    assert signed_in(login(client, "ed", "x", forwarded_for=EDITOR), client)
    client.logout()
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT - 1):
        assert login(client, "ed", "wrong", forwarded_for=EDITOR).status_code == 200
    assert signed_in(login(client, "ed", "x", forwarded_for=EDITOR), client)


def test_without_the_proxy_setting_x_forwarded_for_is_ignored(settings, client, make_editor):
    assert settings.TRUSTED_PROXY_HOPS == 0
    make_editor("ed")
    for i in range(settings.AXES_FAILURE_LIMIT):
        login(client, "ed", "wrong", forwarded_for=f"192.0.2.{i}", remote_addr=ATTACKER)
    response = login(client, "ed", "x", forwarded_for=EDITOR, remote_addr=ATTACKER)
    assert response.status_code == 429


def test_a_header_without_a_usable_address_counts_against_the_proxy(
    behind_proxy, client, make_editor
):
    make_editor("ed")
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT):
        login(client, "ed", "wrong", forwarded_for="unknown")
    assert login(client, "ed", "x", forwarded_for="").status_code == 429
    assert signed_in(login(client, "ed", "x", forwarded_for=EDITOR), client)


def test_the_proxy_setting_trusts_one_hop():
    code = "from django.conf import settings as s; print(s.TRUSTED_PROXY_HOPS)"
    assert start(code, DJANGO_DEBUG="true").stdout.strip() == "0"
    behind = start(code, DJANGO_DEBUG="true", DJANGO_BEHIND_TLS_PROXY="true")
    assert behind.stdout.strip() == "1", behind.stderr


@pytest.mark.parametrize("value", ["0", "many", "-3"])
def test_a_bad_address_failure_limit_fails_with_a_message_naming_the_variable(value):
    result = start(DJANGO_DEBUG="true", DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT" in result.stderr
