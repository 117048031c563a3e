"""Writes of the sync view, by responsibility: keeping findings up to date (refresh, findings), the worker's queue
(queue), settling pairs (settling; the rules are in ../settlement.py), a pair's discussion and proposed settlements
(proposals), and the synonym groups (synonyms). `services.x(...)` keeps working for every name below."""

from .findings import _names, _signals_for_display, _store_findings
from .proposals import (
    _lock_open_proposal,
    _proposal_summary,
    overlap_comment_add,
    overlap_proposal_confirm,
    overlap_proposal_decline,
    overlap_propose,
)
from .queue import (
    SYNC_TASK_PATH,
    TaskState,
    sync_recompute_enqueue,
    sync_recompute_request,
    sync_recompute_run,
    sync_task_state,
)
from .refresh import (
    PARAMS,
    RefreshResult,
    StoredFacts,
    _facts,
    _features,
    _kept,
    _kept_lock,
    forget_kept,
    row_fingerprint,
    sync_refresh,
    vocabulary_current,
)
from .settling import overlap_release_for_forum, overlap_reopen, overlap_settle, overlap_sign
from .synonyms import synonym_group_delete, synonym_group_save, synonym_group_seed

__all__ = [
    "PARAMS",
    "SYNC_TASK_PATH",
    "RefreshResult",
    "StoredFacts",
    "TaskState",
    "_facts",
    "_features",
    "_kept",
    "_kept_lock",
    "_lock_open_proposal",
    "_names",
    "_proposal_summary",
    "_signals_for_display",
    "_store_findings",
    "forget_kept",
    "overlap_comment_add",
    "overlap_proposal_confirm",
    "overlap_proposal_decline",
    "overlap_propose",
    "overlap_reopen",
    "overlap_release_for_forum",
    "overlap_settle",
    "overlap_sign",
    "row_fingerprint",
    "sync_recompute_enqueue",
    "sync_recompute_request",
    "sync_recompute_run",
    "sync_refresh",
    "sync_task_state",
    "synonym_group_delete",
    "synonym_group_save",
    "synonym_group_seed",
    "vocabulary_current",
]
