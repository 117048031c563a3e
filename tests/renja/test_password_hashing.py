"""Log-ins cost little CPU without weaker passwords: Argon2id at OWASP's floor or above, and older hashes rewritten
as Argon2id when their owner logs in (issue "Twice the users on the same two cores", point 3)."""

import re

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher, make_password
from django.urls import reverse

from renja import settings as project_settings
from renja.models import User

from ..factories import make_user

PASSWORD = "sandi-panjang-2026"
ARGON2_PARAMS = re.compile(r"^argon2\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$")


@pytest.fixture
def production_hashers(settings):
    """The project's own hashers (the test suite otherwise uses a fast one)."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def argon2_params(encoded: str) -> tuple[int, int, int]:
    match = ARGON2_PARAMS.match(encoded)
    assert match, f"not an Argon2id hash: {encoded[:30]}"
    return tuple(int(n) for n in match.groups())


def test_new_passwords_are_argon2id_at_or_above_the_owasp_floor(production_hashers):
    memory_kib, time_cost, parallelism = argon2_params(make_password(PASSWORD))
    assert memory_kib >= 19 * 1024 and time_cost >= 2 and parallelism >= 1


@pytest.mark.django_db
def test_a_pbkdf2_hash_is_rewritten_as_argon2id_at_log_in(client, production_hashers):
    user = make_user(username="pbkdf2-lama", role=User.Role.PERENCANA)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    assert identify_hasher(user.password).algorithm == "pbkdf2_sha256"

    response = client.post(reverse("login"), {"username": "pbkdf2-lama", "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert argon2_params(user.password) == (19 * 1024, 2, 1)
    assert client.get(reverse("renja:home")).status_code == 200


@pytest.mark.django_db
def test_a_wrong_password_leaves_the_old_hash_alone(client, production_hashers):
    user = make_user(username="pbkdf2-salah", role=User.Role.PERENCANA)
    old = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.password = old
    user.save(update_fields=["password"])

    response = client.post(reverse("login"), {"username": "pbkdf2-salah", "password": "bukan-sandinya"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == old


@pytest.mark.django_db
def test_an_argon2_hash_with_other_parameters_is_rewritten_at_log_in(client, production_hashers, settings):
    """Django's own Argon2 settings (100 MiB, p = 8) cost more CPU on two cores than PBKDF2: rewritten with ours."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    user = make_user(username="argon2-lama", role=User.Role.PERENCANA)
    user.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    user.save(update_fields=["password"])
    assert argon2_params(user.password)[0] != 19 * 1024

    assert client.post(reverse("login"), {"username": "argon2-lama", "password": PASSWORD}).status_code == 302
    user.refresh_from_db()
    assert argon2_params(user.password) == (19 * 1024, 2, 1)
