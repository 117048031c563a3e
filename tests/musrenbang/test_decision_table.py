"""The decision table (musrenbang/decisions.py) and everything built from it agree."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from musrenbang import decisions, forms, import_template, services
from musrenbang.models import Decision, Usulan


def test_every_decision_type_leads_to_a_status_and_every_later_status_comes_from_a_type():
    types = [t.value for t in decisions.DECISION_TYPES]
    statuses = list(Usulan.Status.values)
    assert statuses[0] == decisions.INITIAL_STATUS == Usulan._meta.get_field("status").default
    assert statuses[1:] == types == list(Decision.Kind.values)
    for decision in decisions.DECISION_TYPES:
        assert services.status_from_trail([Decision(kind=decision.value)]) == decision.value
        assert Usulan.Status(decision.value).label == decision.status_label
        assert Decision.Kind(decision.value).label == decision.label
        assert Decision.Kind[decision.name] == Usulan.Status[decision.name] == decision.value


def test_the_table_is_consistent():
    levels = {value for _name, (value, _label) in decisions.Level.CHOICES}
    for decision in decisions.DECISION_TYPES:
        assert decision.levels and set(decision.levels) <= levels
        assert decision.badge.startswith("badge-u-")
        assert not (decision.accommodated and not decision.takes_row), decision.value  # a pick-up names its row
        assert not (decision.accommodated and not decision.settles), decision.value
        assert not (decision.cause and decision.settles), decision.value  # a settled usulan is not "belum diambil"
        assert not decision.by_agency or set(decision.levels) <= set(decisions.AGENCY_LEVELS)
        assert not (decision.ranks and decisions.Level.KECAMATAN not in decision.levels), decision.value
    assert len({t.value for t in decisions.DECISION_TYPES}) == len(decisions.DECISION_TYPES)
    assert len({c.code for c in decisions.CAUSES}) == len(decisions.CAUSES)


def test_the_reason_constraint_is_generated_from_the_table():
    constraint = next(c for c in Decision._meta.constraints if c.name == "decision_reason_required")
    lookup = dict(constraint.condition.children[0].children)
    assert (
        set(lookup["kind__in"])
        == decisions.NEEDS_REASON
        == {"digabung", "ditolak", "dikembalikan", "ditutup", "tidak_diteruskan"}
    )


def test_rules_read_from_the_table():
    assert services.ACCEPTED == decisions.ACCEPTED == {"diterima", "diterima_dengan_perubahan"}
    assert services.NEEDS_REASON == {"ditolak", "dikembalikan", "digabung"}
    assert services.NOT_ACCOMMODATED == [
        "baru",
        "diteruskan",
        "ditolak",
        "dikembalikan",
        "ditutup",
        "disetujui",
        "tidak_diteruskan",
        "dibawa_kabupaten",
    ]
    assert decisions.TAKES_ROW == {"diterima", "diterima_dengan_perubahan", "digabung"}
    assert [k for k, _label in forms.DECISIONS] == [
        "diterima",
        "diterima_dengan_perubahan",
        "digabung",
        "ditolak",
        "dikembalikan",
    ]
    assert "ditutup" not in import_template.FILE_DECISIONS and "diteruskan" in import_template.FILE_DECISIONS
    assert decisions.CAUSE_BY_STATUS == {
        "baru": "belum_diteruskan",
        "diteruskan": "belum_diputuskan",
        "ditolak": "ditolak",
        "dikembalikan": "dikembalikan",
        "disetujui": "belum_diteruskan",  # approved by the Musrenbang levels, waiting for Bappeda's routing
        "tidak_diteruskan": "tidak_diteruskan",  # not forwarded by the desa or kecamatan: no agency's orphan
        "dibawa_kabupaten": "dibawa_kabupaten",
    }
    assert [code for code, _label in decisions.cause_choices()] == list(
        dict.fromkeys(decisions.CAUSE_BY_STATUS.values())
    )
    assert decisions.ROUTABLE == ("baru", "ditolak", "dikembalikan", "disetujui")
    assert decisions.UNDECIDED == ("baru", "disetujui", "diteruskan")
    assert decisions.MUSRENBANG_KINDS == {"disetujui", "tidak_diteruskan"} and decisions.RANKED == {"disetujui"}


def test_each_level_of_the_cycle_gives_its_own_decision_types():
    assert decisions.Level.ORDER == (
        "desa",
        "kecamatan",
        "dprd",
        "mitra",
        "bappeda",
        "opd",
        "forum",
        "musrenbang_kabupaten",
        "tapd",
    )
    given = {level: {t.value for t in decisions.DECISION_TYPES if level in t.levels} for level in decisions.Level.ORDER}
    for level in ("desa", "kecamatan", "dprd", "mitra"):
        assert given[level] == {"disetujui", "tidak_diteruskan"}
    assert given["bappeda"] == {"diteruskan", "ditutup"}
    agency = {"diterima", "diterima_dengan_perubahan", "digabung", "ditolak", "dikembalikan"}
    assert given["opd"] == given["musrenbang_kabupaten"] == given["tapd"] == agency
    assert given["forum"] == agency | {"diteruskan", "dibawa_kabupaten"}


@pytest.mark.parametrize("status", Usulan.Status.values)
def test_badge_filter_gives_each_status_its_class(status):
    html = Template('{% load decision_tags %}<span class="badge {{ s|status_badge }}">').render(Context({"s": status}))
    assert html == f'<span class="badge badge-u-{status}">'


def test_the_css_styles_only_badges_of_the_table():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "renja.css").read_text(encoding="utf-8")
    styled = set(re.findall(r"\.(badge-u-[a-z_]+)", css))
    known = {t.badge for t in decisions.DECISION_TYPES} | {decisions.INITIAL_BADGE}
    assert styled and styled <= known
    # Plain badges (the new levels' colours wait for static/css/renja.css).
    colourless = {"badge-u-baru", "badge-u-ditutup"}
    assert known - styled == colourless


def test_the_sync_view_reads_its_causes_from_the_table():
    from sinkronisasi import selectors as sync_selectors

    assert sync_selectors.STATUS_CAUSE is decisions.CAUSE_BY_STATUS
    assert sync_selectors.Cause.choices() == decisions.cause_choices()
    assert sync_selectors.ROUTABLE is decisions.ROUTABLE
