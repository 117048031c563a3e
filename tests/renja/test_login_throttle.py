"""One log-in throttle for every log-in path, keyed on the normalised user name and the client address
(issue 11, point 4)."""

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.security import login_throttle_key, normalise_login_name
from renja.models import User
from tests.factories import make_user

PASSWORD = "rahasia-uji-123"


@pytest.fixture(autouse=True)
def _throttle(db, settings):
    cache.clear()
    settings.LOGIN_FAILURE_LIMIT = 3
    yield
    cache.clear()


@pytest.fixture
def dp3a_admin(db):
    return make_user("dp3a", role=User.Role.ADMIN, is_staff=True, is_superuser=True)


def _post(client, url_name: str, username: str, password: str):
    return client.post(reverse(url_name), {"username": username, "password": password})


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("variant", ["ｄｐ３ａ", "DP3A", "Dp3a", " dp3a ", "ＤＰ３Ａ"])
def test_a_lock_out_holds_against_full_width_and_mixed_case_names(client, dp3a_admin, variant):
    for _ in range(3):
        _post(client, "login", "dp3a", "salah")
    response = _post(client, "login", variant, PASSWORD)
    assert response.status_code == 200 and "Terlalu banyak percobaan" in response.content.decode()
    assert not _logged_in(client)


def test_failures_under_variant_names_add_up_to_one_lock_out(client, dp3a_admin):
    for name in ["ｄｐ３ａ", "DP3A", "Dp3A"]:
        _post(client, "login", name, "salah")
    assert "Terlalu banyak percobaan" in _post(client, "login", "dp3a", PASSWORD).content.decode()
    assert not _logged_in(client)


def test_the_full_width_name_logs_in_when_not_locked_out(client, dp3a_admin):
    """The normalisation is Django's own: the throttle only counts the same way it compares."""
    assert _post(client, "login", "ｄｐ３ａ", PASSWORD).status_code == 302 and _logged_in(client)


def test_admin_login_is_throttled_even_with_the_right_password(client, admin_user):
    for _ in range(3):
        response = _post(client, "admin:login", "admin", "salah")
        assert response.status_code == 200 and not _logged_in(client)
    response = _post(client, "admin:login", "admin", PASSWORD)
    assert response.status_code == 200 and "Terlalu banyak percobaan" in response.content.decode()
    assert not _logged_in(client)
    cache.clear()
    assert _post(client, "admin:login", "admin", PASSWORD).status_code == 302 and _logged_in(client)


def test_admin_login_refuses_the_full_width_name_during_a_lock_out(client, dp3a_admin):
    for _ in range(3):
        _post(client, "admin:login", "dp3a", "salah")
    assert "Terlalu banyak percobaan" in _post(client, "admin:login", "ｄｐ３ａ", PASSWORD).content.decode()
    assert not _logged_in(client)


def test_a_lock_out_on_the_app_form_also_locks_the_admin(client, admin_user):
    for _ in range(3):
        _post(client, "login", "admin", "salah")
    assert "Terlalu banyak percobaan" in _post(client, "admin:login", "admin", PASSWORD).content.decode()
    assert not _logged_in(client)


def test_app_and_admin_failures_count_on_one_counter(client, admin_user):
    _post(client, "login", "admin", "salah")
    _post(client, "admin:login", "ADMIN", "salah")
    _post(client, "login", "ａｄｍｉｎ", "salah")
    assert "Terlalu banyak percobaan" in _post(client, "login", "admin", PASSWORD).content.decode()
    assert "Terlalu banyak percobaan" in _post(client, "admin:login", "admin", PASSWORD).content.decode()
    assert cache.get(login_throttle_key("admin", "127.0.0.1")) == 3


def test_the_admin_still_refuses_a_non_staff_user(client, opd_a_editor):
    response = _post(client, "admin:login", "petugas.a", PASSWORD)
    assert response.status_code == 200 and not _logged_in(client)


def test_failures_and_lock_outs_are_logged_without_the_password(client, dp3a_admin, caplog):
    caplog.set_level(logging.WARNING, logger="core.security")
    for _ in range(3):
        _post(client, "login", "ＤＰ３Ａ", "sandi-yang-salah-XYZ")
    _post(client, "admin:login", "dp3a", PASSWORD)
    records = [r for r in caplog.records if r.name == "core.security"]
    messages = [r.getMessage() for r in records]
    failed = [m for m in messages if m.startswith("Log-in failed")]
    assert len(failed) == 3 and all("'dp3a'" in m and "127.0.0.1" in m for m in failed)
    assert any(m.startswith("Log-in locked out") and "'dp3a'" in m for m in messages)
    assert any(m.startswith("Log-in refused, locked out") and "'dp3a'" in m and "127.0.0.1" in m for m in messages)
    assert not any("sandi-yang-salah-XYZ" in m or PASSWORD in m for m in messages)


def test_a_successful_log_in_logs_nothing(client, dp3a_admin, caplog):
    caplog.set_level(logging.INFO, logger="core.security")
    _post(client, "login", "dp3a", PASSWORD)
    assert not [r for r in caplog.records if r.name == "core.security"]


@pytest.mark.parametrize("raw,expected", [("ｄｐ３ａ", "dp3a"), ("  DP3A\t", "dp3a"), ("Straße", "strasse"), ("", "")])
def test_names_are_normalised_and_case_folded(raw, expected):
    assert normalise_login_name(raw) == expected


def test_odd_names_make_short_cache_keys(client, dp3a_admin):
    for name in ["x" * 3000, "a b", "nul\x00name"]:
        key = login_throttle_key(normalise_login_name(name), "127.0.0.1")
        assert len(key) < 250 and " " not in key and "\x00" not in key
    assert _post(client, "login", "x" * 3000, "salah").status_code == 200
