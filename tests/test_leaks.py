"""Walk every URL of the app as an officer of another agency and as an anonymous visitor: nothing leaks."""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from forum import services as forum_services
from musrenbang import services as usulan_services

from .factories import make_nomenklatur, make_opd, make_row, make_user, make_usulan

SECRET = "RAHASIA-AGENSI-A"
PUBLIC = {"login", "set_language", "musrenbang:track", "forum:verify", "forum:verify-detail"}


def walk(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if ns.startswith("admin:"):
                continue
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


@pytest.fixture
def agency_a_world(year, opd_a, opd_b, facilitator, opd_a_editor):
    """An usulan, a forum, a Renja row and an overlapping pair of agency A, each carrying the secret text."""
    usulan = make_usulan(fiscal_year=year, opd_tujuan=opd_a, usulan=f"{SECRET} usulan", pengusul=SECRET)
    usulan_services.usulan_decide(usulan=usulan, kind="ditolak", alasan=f"{SECRET} alasan", by=opd_a_editor)
    forum = forum_services.forum_create(
        fiscal_year=year,
        opd_list=[opd_a],
        by=facilitator,
        data={
            "jenis": "forum_pd",
            "judul": f"{SECRET} forum",
            "tanggal": datetime.date(2025, 3, 12),
            "mulai": datetime.time(9),
            "selesai": datetime.time(11),
            "tempat": "Bappeda",
            "pimpinan_nama": "X",
            "pimpinan_jabatan": "Y",
            "pimpinan_nip": "1" * 18,
        },
    )
    person = forum_services.attendee_add(
        forum=forum, data={"nama": f"{SECRET} peserta", "unsur": "Dinsos"}, by=facilitator
    )
    row = make_row(opd=opd_a, fiscal_year=year)
    from sinkronisasi.models import Overlap
    from sinkronisasi.services import sync_refresh

    for opd, code in ((opd_a, "1.06.04.2.01.0005"), (opd_b, "2.08.02.2.01.0005")):
        make_row(
            opd=opd,
            fiscal_year=year,
            sub_kegiatan=make_nomenklatur(code, "Layanan"),
            nama="Rumah singgah korban kekerasan",
        )
    sync_refresh(fiscal_year=year)
    overlap = Overlap.objects.get()
    from sinkronisasi.services import overlap_settle

    # Renja rows are readable by every officer (by design); how two agencies settled their overlap is theirs.
    overlap = overlap_settle(overlap=overlap, status="saling_melengkapi", note=f"{SECRET} catatan", by=facilitator)
    # An open proposed settlement on it, which the walk's POSTs try to confirm and to replace.
    from sinkronisasi.services import overlap_propose

    proposal = overlap_propose(overlap=overlap, status="saling_melengkapi", note=f"{SECRET} usulan", by=opd_a_editor)
    # Agency A's program indicator: another agency's people get 404 on its pages.
    from renja.services.indicators import program_indicator_create

    indicator = program_indicator_create(
        fiscal_year=year, opd=opd_a, kode="1.06.04", data={"indikator": f"{SECRET} indikator"}, by=opd_a_editor
    )
    # A duplicate pair of agency A's usulan and a home suggested for one (homes for orphan usulan).
    from sinkronisasi.models import DuplicateUsulan, HomeSuggestion

    twin = make_usulan(fiscal_year=year, opd_tujuan=opd_a, usulan=f"{SECRET} usulan kembar")
    duplicate = DuplicateUsulan.objects.create(
        fiscal_year=year, usulan_a=usulan, usulan_b=twin, score=0.9, reasons=[{"kind": "kata", "usulan": [SECRET]}]
    )
    home = HomeSuggestion.objects.create(
        fiscal_year=year, usulan=usulan, row=row, opd=opd_a, rank=1, score=0.9, reasons=[]
    )
    return {
        "pk": None,
        "usulan": usulan,
        "forum": forum,
        "person": person,
        "row": row,
        "overlap": overlap,
        "proposal": proposal,
        "indicator": indicator,
        "duplicate": duplicate,
        "home": home,
    }


def fill(name: str, pattern: str, world: dict) -> str | None:
    """A concrete path for a pattern, pointing at agency A's objects."""
    path = pattern.replace("^", "").replace("$", "")
    if "<int:pk>" in path:
        if name.startswith("musrenbang:usulan"):
            pk = world["usulan"].pk
        elif name.startswith("forum:") or name.startswith("forum"):
            pk = world["forum"].pk
        elif name.startswith("sinkronisasi:overlap"):
            pk = world["overlap"].pk
        elif name.startswith("sinkronisasi:duplicate"):
            pk = world["duplicate"].pk
        elif name.startswith("sinkronisasi:home"):
            pk = world["home"].pk
        elif name.startswith("renja:year") or name.startswith("renja:stage"):
            pk = world["row"].fiscal_year_id
        elif name.startswith("renja:program-indicator"):
            pk = world["indicator"].pk
        elif name.startswith("renja:opd"):
            pk = world["row"].opd_id
        elif name.startswith("renja:dokumen"):
            pk = world["row"].opd_id
        else:
            pk = world["row"].pk
        path = path.replace("<int:pk>", str(pk))
    path = path.replace("<int:person>", str(world["person"].pk)).replace("<str:sha>", "0" * 64)
    path = path.replace("<int:overlap>", str(world["overlap"].pk))
    path = path.replace("<int:usulan>", str(world["usulan"].pk))  # the forum's re-routing of an usulan
    path = path.replace("<int:opd>", str(world["row"].opd_id))  # agency A's pages (pagu indikatif, indicators)
    return "/" + path if "<" not in path else None


def test_another_agencys_officer_and_anonymous_see_no_secret(client, agency_a_world, db):
    outsider = make_user("luar.b", opd=make_opd("Dispora"))
    urls = [(name, fill(name, pattern, agency_a_world)) for name, pattern in walk()]
    urls = [(n, u) for n, u in urls if u]
    assert len(urls) > 30
    for who in ("anonymous", "outsider"):
        client.logout()
        if who == "outsider":
            client.force_login(outsider)
        for name, url in urls:
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert SECRET.encode() not in body, (who, name, url, response.status_code)
            if who == "anonymous" and name not in PUBLIC:
                assert response.status_code in (302, 405), (name, url, response.status_code)
            post = client.post(
                url,
                {
                    "keputusan": "dikembalikan",
                    "alasan": "x",
                    "nama": "x",
                    "unsur": "x",
                    "opd": 1,
                    "kunci": "1",
                    "teks": "x",
                    "text": "x",
                    "reason": "x",
                    "usul-status": "saling_melengkapi",
                    "usulan": agency_a_world["proposal"].pk,
                },
            )
            post_body = b"".join(post.streaming_content) if post.streaming else post.content
            assert SECRET.encode() not in post_body, ("POST", who, name, url, post.status_code)
    # No POST from either of them changed anything of agency A's.
    agency_a_world["usulan"].refresh_from_db()
    agency_a_world["forum"].refresh_from_db()
    assert agency_a_world["usulan"].status == "ditolak" and agency_a_world["usulan"].decisions.count() == 2
    assert agency_a_world["forum"].attendance.count() == 1 and agency_a_world["forum"].clauses.count() == 7
    assert not agency_a_world["row"].fiscal_year.is_locked
    assert not agency_a_world["row"].fiscal_year.snapshots.exists()  # nor took a stage snapshot of the year
    agency_a_world["overlap"].refresh_from_db()
    assert (agency_a_world["overlap"].status, agency_a_world["overlap"].note) == (
        "saling_melengkapi",
        f"{SECRET} catatan",
    )
    # Nor commented on their overlap, proposed, confirmed or declined a settlement of it.
    assert not agency_a_world["overlap"].comments.exists()
    agency_a_world["indicator"].refresh_from_db()  # nor changed or removed agency A's program indicator
    assert list(agency_a_world["overlap"].proposals.values_list("pk", "outcome")) == [
        (agency_a_world["proposal"].pk, "menunggu")
    ]
