"""Startup configuration: bad or missing environment values fail loudly."""

import pytest

from tests.helpers import start


def test_app_refuses_to_start_without_secret_key_when_debug_is_off():
    result = start(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_app_refuses_to_start_without_allowed_hosts_when_debug_is_off():
    result = start(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_ALLOWED_HOSTS must list" in result.stderr


def test_app_starts_with_secret_key_and_debug_off():
    result = start(
        DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="a.example"
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    "env, named",
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DJANGO_DEBUG": "true", "DATABASE_URL": "nosuchdb://x/y"}, "DATABASE_URL"),
        (
            {
                "DJANGO_DEBUG": "true",
                "DATABASE_URL": "postgres://h/db",
                "DATABASE_CONN_MAX_AGE": "ten",
            },
            "DATABASE_CONN_MAX_AGE",
        ),
        ({"DJANGO_DEBUG": "true", "REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL"),
        ({"DJANGO_DEBUG": "true", "DJANGO_CACHE_SECONDS": "-5"}, "DJANGO_CACHE_SECONDS"),
    ],
)
def test_malformed_value_fails_with_a_message_naming_the_variable(env, named):
    result = start(**env)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {named}" in result.stderr


def test_the_page_cache_is_in_memory_unless_redis_is_configured():
    code = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    assert start(code, DJANGO_DEBUG="true").stdout.strip().endswith("LocMemCache")
    redis = start(code, DJANGO_DEBUG="true", REDIS_URL="redis://127.0.0.1:6379/0")
    assert redis.stdout.strip() == "core.cache_backends.RedisCache", redis.stderr


def test_postgres_keeps_connections_open_with_health_checks():
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    result = start(
        code,
        DJANGO_DEBUG="true",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/casetracker",
    )
    assert result.stdout.split() == ["600", "True"], result.stderr


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k3Jq9-vX2pLr8sT0wY5zA7bC1dE4fG6hI8jK0lM2nO4pQ6rS8tU",
    "DJANGO_ALLOWED_HOSTS": "cases.example.org",
    "DJANGO_BEHIND_TLS_PROXY": "true",
}


def check_deploy(**env):
    return start(
        "from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='WARNING')",
        **env,
    )


def test_the_documented_production_environment_passes_the_deployment_checklist():
    result = check_deploy(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_plain_http_fails_the_deployment_checklist():
    result = check_deploy(**PRODUCTION, DJANGO_HTTPS="false")
    assert result.returncode != 0
    assert "security.W008" in result.stderr  # no redirect to HTTPS


def test_the_admin_can_move_to_another_path():
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = start(code, **PRODUCTION, DJANGO_ADMIN_PATH="editors-only/")
    assert result.stdout.strip() == "/editors-only/", result.stderr
    bad = start(code, **PRODUCTION, DJANGO_ADMIN_PATH="/admin")
    assert "ImproperlyConfigured: DJANGO_ADMIN_PATH must be a relative path" in bad.stderr


def test_pages_send_a_content_security_policy_without_inline_script(client, db):
    policy = client.get("/no-such-page/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in policy
    assert directives["frame-ancestors"] == "'none'"
