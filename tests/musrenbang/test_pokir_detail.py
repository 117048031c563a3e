"""An usulan's page names a Pokir's member, fraksi and dapil."""

import pytest
from django.urls import reverse

from musrenbang.models import Usulan
from tests.factories import make_usulan

pytestmark = pytest.mark.django_db


def test_a_pokir_page_names_its_member_fraksi_and_dapil(client, planner):
    usulan = make_usulan(sumber=Usulan.Sumber.POKIR, anggota_dprd="H. Abdul Rasyid", fraksi="Golkar", dapil="Kukar 3")
    client.force_login(planner)
    html = client.get(reverse("musrenbang:usulan-detail", args=[usulan.pk])).content.decode()
    assert "H. Abdul Rasyid (Golkar, Kukar 3)" in html
