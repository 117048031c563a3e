import pytest

from renja.models import Wilayah

from ..factories import make_nomenklatur, make_opd, make_sasaran, make_wilayah


@pytest.fixture(autouse=True)
def default_synonyms(db):
    """Installed by a data migration; seeded again because browser tests (transactional) empty every table."""
    from sinkronisasi.services import synonym_group_seed

    synonym_group_seed()


@pytest.fixture
def places(db):
    """Two kecamatan with two desa each."""
    kec1 = make_wilayah("64.02.06", "Tenggarong")
    kec2 = make_wilayah("64.02.07", "Sebulu")
    return {
        "kec1": kec1,
        "kec2": kec2,
        "desa1": make_wilayah("64.02.06.1002", "Loa Ipuh", Wilayah.Tingkat.KELURAHAN, parent=kec1),
        "desa2": make_wilayah("64.02.06.1007", "Sukarame", Wilayah.Tingkat.KELURAHAN, parent=kec1),
        "desa3": make_wilayah("64.02.07.2005", "Sebulu Ilir", Wilayah.Tingkat.DESA, parent=kec2),
    }


@pytest.fixture
def groups(db):
    return {
        slug: make_sasaran(slug) for slug in ("anak", "balita", "lansia", "disabilitas", "petani", "masyarakat_umum")
    }


@pytest.fixture
def opd_c(db):
    return make_opd("DP2KB", bidang=["2.14"], nama="Dinas Pengendalian Penduduk dan KB")


@pytest.fixture
def codes(db):
    return {
        "dinsos": make_nomenklatur("1.06.04.2.01.0008", "Fasilitasi Layanan bagi Penyandang Disabilitas"),
        "dp3a": make_nomenklatur("2.08.02.2.01.0001", "Pelembagaan Pengarusutamaan Gender"),
        "dp2kb": make_nomenklatur("2.14.03.2.01.0002", "Pelaksanaan Pembinaan Ketahanan Keluarga"),
        "salary_a": make_nomenklatur("1.06.01.2.02.0001", "Penyediaan Gaji dan Tunjangan ASN"),
        "salary_b": make_nomenklatur("2.08.01.2.02.0001", "Penyediaan Gaji dan Tunjangan ASN"),
    }
