"""Who may upload and withdraw attachments (`user.has_perm`); auditors are refused both by the veto backend."""

import rules

from workflows.org.permissions import add_rule

from .registry import upload_steps


@rules.predicate
def may_upload(user, subject) -> bool:
    """Whoever may act on one of the subject's file-taking steps right now (see each app's open_steps)."""
    return subject is not None and bool(upload_steps(subject, user))


@rules.predicate
def may_withdraw(user, attachment) -> bool:
    """The uploader, or office staff."""
    return attachment is not None and (attachment.uploaded_by_id == user.pk or user.has_perm("workflows.run_office"))


# Named "attachments.*", not after the app: guardian then never looks up object permissions per attachment row.
add_rule("attachments.upload", may_upload)
add_rule("attachments.withdraw", may_withdraw)
