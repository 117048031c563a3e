"""The berita acara's frozen snapshot is in Indonesian whatever the interface language of who finalises it."""

import json

import pytest
from django.utils import translation

from forum import selectors
from forum.models import Forum

pytestmark = pytest.mark.django_db


def test_the_snapshot_is_indonesian_when_the_facilitator_reads_english(forum_ready):
    Forum.objects.filter(pk=forum_ready.pk).update(jenis=Forum.Jenis.FORUM_LINTAS_PD)
    forum_ready.refresh_from_db()
    with translation.override("en"):
        assert str(Forum.Jenis.FORUM_LINTAS_PD.label) == "Cross-OPD Forum"  # the interface is English
        text = json.dumps(selectors.forum_snapshot(forum_ready, nomor="001"), ensure_ascii=False)
    assert "Cross-OPD Forum" not in text and "Forum Lintas Perangkat Daerah" in text
