"""讨论: append-only comments on decisions, meetings and elections, for whoever may see the subject.

Shown in the subject's timeline and history; auditors read them and may not post (write perm).
"""
