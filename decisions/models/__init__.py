"""三重一大 decisions (`decision`) and 党委会 meetings with their votes and minutes (`meeting`)."""

from .decision import Decision, ImplementationReport, Opinion
from .meeting import AgendaItem, Attendance, Meeting, Minutes, MinutesCorrection, Recusal, Vote, VoteResult

__all__ = [
    "AgendaItem", "Attendance", "Decision", "ImplementationReport", "Meeting", "Minutes", "MinutesCorrection",
    "Opinion", "Recusal", "Vote", "VoteResult",
]
