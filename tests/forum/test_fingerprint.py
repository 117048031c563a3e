"""The berita acara's fingerprint covers the whole snapshot: computed here independently of forum.services, changed
by any single field of the document, and a document changed anywhere is not genuine on /verifikasi/.

The canonical form is the one forum.services.fingerprint documents: JSON with sorted keys, no spaces (separators
"," and ":"), non-ASCII characters written as themselves (ensure_ascii=False), encoded as UTF-8, then SHA-256."""

import copy
import hashlib
import json

import pytest
from django.urls import reverse

from forum import services
from forum.models import BeritaAcara
from sinkronisasi import services as sync_services

from .test_agenda_overlaps import pair  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

NON_ASCII_NAME = "Dra. Hj. Nur’aini Saleh"  # a right single quotation mark, as names are often typed


def independent_fingerprint(snapshot: dict) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@pytest.fixture
def berita_acara(forum_ready, pair, facilitator, verify_url):  # noqa: F811
    """A finalised berita acara with every part filled: attendance (one name not ASCII), clauses, Lampiran II–IV and
    a settled overlap (Lampiran V); read back from the database, as /verifikasi/ and any later check see it."""
    services.attendee_add(
        forum=forum_ready, data={"nama": NON_ASCII_NAME, "unsur": "Bappeda", "jabatan": "Kepala Bidang"}, by=facilitator
    )
    services.forum_agenda_add_overlap(forum=forum_ready, overlap=pair, by=facilitator)
    sync_services.overlap_settle(
        overlap=pair, status="koordinasi", opd_pengampu=pair.opd_a, note="Dinsos memimpin", by=facilitator
    )
    ba = services.forum_finalise(forum=forum_ready, by=facilitator, verify_url_for=verify_url)
    return BeritaAcara.objects.get(pk=ba.pk)


def leaf_paths(value, path=()):
    """Every path to a leaf (a scalar, or an empty list or dict) of a JSON value."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from leaf_paths(item, (*path, key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from leaf_paths(item, (*path, index))
    else:
        yield path


def changed(value):
    """A different value of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + " (diubah)"
    if value is None:
        return ""
    if isinstance(value, list):
        return ["tambahan"]
    if isinstance(value, dict):
        return {"tambahan": 1}
    raise AssertionError(f"not JSON: {value!r}")


def with_leaf_changed(snapshot: dict, path: tuple) -> dict:
    forged = copy.deepcopy(snapshot)
    parent = forged
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = changed(parent[path[-1]])
    return forged


def test_fingerprint_is_sha256_of_the_canonical_json_of_the_whole_snapshot(berita_acara):
    snapshot = berita_acara.snapshot
    assert berita_acara.sha256 == independent_fingerprint(snapshot)
    # The parts that matter are really in what was fingerprinted, not only the number.
    assert NON_ASCII_NAME in [p["nama"] for p in snapshot["kehadiran"]]
    assert snapshot["lampiran_ii"] and snapshot["lampiran_iii"] and snapshot["lampiran_iv"] and snapshot["beririsan"]
    # The canonical form itself: written with ASCII escapes, or with spaces, the same snapshot hashes differently.
    assert (
        berita_acara.sha256
        != hashlib.sha256(json.dumps(snapshot, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    )
    assert (
        berita_acara.sha256
        != hashlib.sha256(json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    )
    assert services.fingerprint(snapshot) == independent_fingerprint(snapshot)


def test_changing_any_single_field_of_the_snapshot_changes_the_fingerprint(berita_acara):
    snapshot = berita_acara.snapshot
    paths = list(leaf_paths(snapshot))
    assert len(paths) > 80, "the walk must reach every part of the document"
    unchanged = [
        path for path in paths if services.fingerprint(with_leaf_changed(snapshot, path)) == berita_acara.sha256
    ]
    assert unchanged == [], f"fields the fingerprint does not cover: {unchanged}"
    dropped = [
        key
        for key in snapshot
        if services.fingerprint({k: v for k, v in snapshot.items() if k != key}) == berita_acara.sha256
    ]
    assert dropped == [], f"parts whose removal the fingerprint does not notice: {dropped}"


def test_verification_page_says_a_changed_document_is_not_genuine(client, berita_acara):
    genuine = client.get(reverse("forum:verify-detail", args=[berita_acara.sha256]))
    assert genuine.status_code == 200 and "Asli." in genuine.content.decode()
    snapshot = berita_acara.snapshot
    accepted = []
    for path in leaf_paths(snapshot):
        sha = services.fingerprint(with_leaf_changed(snapshot, path))
        response = client.get(reverse("forum:verify-detail", args=[sha]))
        html = response.content.decode()
        if not (
            response.status_code == 404
            and "Tidak dikenal." in html
            and "tidak asli atau telah diubah" in html
            and "Asli." not in html
        ):
            accepted.append(path)
    assert accepted == [], f"changed documents the page calls genuine: {accepted}"
