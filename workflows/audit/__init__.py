"""Audit plumbing: who and why, hash-chained append-only history, the auditor's pages.

Imported while workflows.models loads, so this module only re-exports the model-level
pieces; the modules that need other apps' models are imported by their users.

- `context`: `audit_context(actor=..., reason=...)`, the user and reason of history records.
- `chain`: `ChainedHistory` (hash chain, append-only rows) and `verify_chains()`.
- `guard`: audited models refuse `QuerySet.update()` / `bulk_update()`.
- `registration`: `audited_history()`; viewflow's Process and Task get history too.
- `triggers`: PostgreSQL triggers that make history tables append-only.
- `history`: history records as the API's entries with field-level diffs.
- `trail`, `trail_filters`, `export`: the auditor's trail, its filters and Excel export.
- `compliance`: the 合规体检 registry; `views`, `api`: the auditor's pages and REST API.
"""

from .chain import (
    UNHASHED_FIELDS,
    AppendOnlyError,
    ChainedHistory,
    ChainedHistoryManager,
    canonical_content,
    chained_history_models,
    compute_record_hash,
    is_chained_history_model,
)
from .context import audit_context, current_actor, current_reason, fill_history_context
from .guard import UnauditedWriteError, guard_unaudited_writes
from .registration import AuditedHistoricalRecords, audited_history
from .triggers import (
    APPEND_ONLY_TRIGGER,
    install_append_only_triggers,
    install_triggers_after_migrate,
    ready,
)

__all__ = [
    "APPEND_ONLY_TRIGGER",
    "UNHASHED_FIELDS",
    "AppendOnlyError",
    "AuditedHistoricalRecords",
    "ChainedHistory",
    "ChainedHistoryManager",
    "UnauditedWriteError",
    "audit_context",
    "audited_history",
    "canonical_content",
    "chained_history_models",
    "compute_record_hash",
    "current_actor",
    "current_reason",
    "fill_history_context",
    "guard_unaudited_writes",
    "install_append_only_triggers",
    "install_triggers_after_migrate",
    "is_chained_history_model",
    "ready",
]
