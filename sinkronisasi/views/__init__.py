"""Screens of the sync view, by page: the overlapping programs (overlaps), usulan no agency picked up (orphans), the
synonym groups (synonyms) and an OPD person's home (home); urls.py and settings name them through this package."""

from .home import officer_home
from .homes import duplicate_dismiss, duplicate_list, duplicate_merge, duplicate_merge_confirm, home_route
from .orphans import orphan_list
from .overlaps import (
    overlap_comment,
    overlap_detail,
    overlap_list,
    overlap_proposal_confirm,
    overlap_proposal_decline,
    overlap_propose,
    overlap_reopen,
    overlap_settle,
    recompute,
)
from .synonyms import synonym_group_delete, synonym_group_delete_confirm, synonym_group_edit, synonym_group_list

__all__ = [
    "duplicate_dismiss",
    "duplicate_list",
    "duplicate_merge",
    "duplicate_merge_confirm",
    "home_route",
    "officer_home",
    "orphan_list",
    "overlap_comment",
    "overlap_detail",
    "overlap_list",
    "overlap_proposal_confirm",
    "overlap_proposal_decline",
    "overlap_propose",
    "overlap_reopen",
    "overlap_settle",
    "recompute",
    "synonym_group_delete",
    "synonym_group_delete_confirm",
    "synonym_group_edit",
    "synonym_group_list",
]
