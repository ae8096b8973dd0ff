"""Which steps of a subject take files, and who may upload to them now.

A domain app registers, in `AppConfig.ready()`:

    register_attachment_steps(Decision, labels={"proposal": "申报材料", ...}, open_steps=decision_upload_steps)

`open_steps(subject, user)` returns the `UploadStep`s `user` may upload to at this moment, each
with the open task it belongs to: once that task is finished its files are frozen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class UploadStep:
    code: str
    label: str
    task: object | None = None  # the viewflow Task the files belong to


@dataclass(frozen=True)
class AttachmentSteps:
    labels: dict[str, str]
    open_steps: Callable[..., list[UploadStep]]
    # uploaded(attachment, user): run inside the upload's transaction (e.g. send the meeting pack).
    uploaded: Callable | None = None


_STEPS: dict[type, AttachmentSteps] = {}


def register_attachment_steps(model, *, labels: dict[str, str], open_steps: Callable[..., list[UploadStep]],
                              uploaded: Callable | None = None) -> None:
    _STEPS[model] = AttachmentSteps(dict(labels), open_steps, uploaded)


def _entry(subject_or_model) -> AttachmentSteps | None:
    model = subject_or_model if isinstance(subject_or_model, type) else type(subject_or_model)
    return _STEPS.get(model)


def upload_steps(subject, user) -> list[UploadStep]:
    """The steps of `subject` that `user` may upload to now ([] for none)."""
    entry = _entry(subject)
    if entry is None or not getattr(user, "is_authenticated", False):
        return []
    return list(entry.open_steps(subject, user))


def after_upload(subject, attachment, user) -> None:
    entry = _entry(subject)
    if entry is not None and entry.uploaded is not None:
        entry.uploaded(attachment, user)


def step_label(model, code: str) -> str:
    entry = _entry(model)
    return entry.labels.get(code, "附件") if entry is not None else "附件"
