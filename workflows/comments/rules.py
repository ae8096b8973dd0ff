"""Who may comment: whoever may see the subject; auditors never (a write perm: the veto backend refuses it)."""

import rules
from django.http import Http404

from workflows.org.permissions import add_rule
from workflows.tasks.processes import visible_subject


@rules.predicate
def may_see_subject(user, subject) -> bool:
    if subject is None:
        return False
    try:
        visible_subject(user, model=type(subject), pk=subject.pk)
    except Http404:
        return False
    return True


add_rule("comments.post", may_see_subject)
