"""Every write of the musrenbang app: routing, decisions (an immutable trail), pick-ups, carry-over, the inbox.
Views, commands, imports and other apps call these as `services.x(...)`.

An usulan's status is derived from its trail (trail.status_from_trail) and stored by these functions only. By
responsibility: trail.py (recording a step), levels.py (the Musrenbang levels before routing: desa, kecamatan, DPRD
secretariat, Bappeda's verification), routing.py (Bappeda's routing and closing), deciding.py (an agency's decision
and its pick-ups), at_forum.py (the forum's carrying to the Musrenbang kabupaten and re-routing), steps.py (many
steps at once, for imports), pickups.py (rows made from usulan, costs picked up, locations widened), carry_over.py
(into the next year), inbox.py (inbox visits and e-mail).
"""

from .at_forum import CARRIABLE, usulan_carry_to_kabupaten, usulan_reroute_at_forum
from .carry_over import NOT_ACCOMMODATED, usulan_carry_over
from .deciding import (
    Allocation,
    _audit_cross_agency_merge,
    _check_allocations,
    _check_decider,
    _decision_fields,
    _merge_target,
    usulan_decide,
    usulan_decide_many,
)
from .inbox import OPD_PEOPLE, inbox_digest_send, inbox_mail_set, inbox_visit_record, routing_mail_send
from .levels import RANK_MAX, level_label, level_step_fields, usulan_level_record
from .pickups import picked_up_total, renja_row_from_usulan, row_places_add
from .routing import (
    _route_refusal,
    route_refusal,
    suggest_opds,
    usulan_close,
    usulan_close_many,
    usulan_route,
    usulan_route_many,
)
from .steps import Step, StepRefused, usulan_steps_apply
from .trail import (
    ACCEPTED,
    NEEDS_REASON,
    TRACKING_ALPHABET,
    _ensure_open,
    _lock,
    _record,
    decision_refusal,
    status_from_trail,
    tracking_code_new,
)

__all__ = [
    "ACCEPTED",
    "CARRIABLE",
    "NEEDS_REASON",
    "NOT_ACCOMMODATED",
    "OPD_PEOPLE",
    "RANK_MAX",
    "TRACKING_ALPHABET",
    "Allocation",
    "Step",
    "StepRefused",
    "_audit_cross_agency_merge",
    "_check_allocations",
    "_check_decider",
    "_decision_fields",
    "_ensure_open",
    "_lock",
    "_merge_target",
    "_record",
    "_route_refusal",
    "decision_refusal",
    "inbox_digest_send",
    "inbox_mail_set",
    "inbox_visit_record",
    "level_label",
    "level_step_fields",
    "picked_up_total",
    "renja_row_from_usulan",
    "routing_mail_send",
    "row_places_add",
    "status_from_trail",
    "suggest_opds",
    "tracking_code_new",
    "usulan_carry_over",
    "usulan_carry_to_kabupaten",
    "usulan_close",
    "usulan_close_many",
    "usulan_decide",
    "usulan_decide_many",
    "usulan_level_record",
    "usulan_reroute_at_forum",
    "route_refusal",
    "usulan_route",
    "usulan_route_many",
    "usulan_steps_apply",
]
