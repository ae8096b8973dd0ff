"""Pure vote arithmetic of one election round (no database).

A round is void when more ballots were issued than voters present, or more returned than
issued. Otherwise a candidate is elected with votes more than half of the present voters;
when more pass than seats, the highest win; a tie at the last seat, or fewer elected than
seats, leaves seats for another round (另行选举) among the tied or remaining candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RoundResult:
    valid: bool
    void_reason: str = ""
    elected: list[str] = field(default_factory=list)
    next_candidates: list[str] = field(default_factory=list)
    next_seats: int = 0
    tie: bool = False

    @property
    def complete(self) -> bool:
        return self.valid and self.next_seats == 0

    @property
    def shortfall(self) -> bool:
        """Fewer candidates passed than seats (not a tie)."""
        return self.valid and self.next_seats > 0 and not self.tie

    def outcome_text(self) -> str:
        if not self.valid:
            return f"本轮选举无效：{self.void_reason}"
        if self.complete:
            return "应选名额已全部选出。"
        if self.tie:
            return f"最后名额得票相等，需在得票相等的候选人中另行选举 {self.next_seats} 名。"
        return f"当选人数不足应选名额，需另行选举 {self.next_seats} 名。"


def is_majority(votes: int, present: int) -> bool:
    """More than half of the present voters."""
    return 2 * votes > present


def void_reason(*, present: int, ballots_issued: int, ballots_returned: int) -> str:
    if ballots_issued > present:
        return "发出选票数多于实到会人数"
    if ballots_returned > ballots_issued:
        return "收回选票数多于发出选票数"
    return ""


def count_round(*, seats: int, present: int, ballots_issued: int, ballots_returned: int,
                votes: dict[str, int]) -> RoundResult:
    reason = void_reason(present=present, ballots_issued=ballots_issued, ballots_returned=ballots_returned)
    if reason:
        return RoundResult(valid=False, void_reason=reason, next_candidates=list(votes), next_seats=seats)
    order = sorted(votes, key=lambda name: (-votes[name], list(votes).index(name)))
    passing = [name for name in order if is_majority(votes[name], present)]
    if len(passing) <= seats:
        remaining = [name for name in order if name not in passing]
        short = seats - len(passing)
        return RoundResult(valid=True, elected=passing, next_candidates=remaining if short else [], next_seats=short)
    cutoff = votes[passing[seats - 1]]
    if votes[passing[seats]] == cutoff:
        elected = [name for name in passing if votes[name] > cutoff]
        tied = [name for name in passing if votes[name] == cutoff]
        return RoundResult(valid=True, elected=elected, next_candidates=tied, next_seats=seats - len(elected),
                           tie=True)
    return RoundResult(valid=True, elected=passing[:seats])
