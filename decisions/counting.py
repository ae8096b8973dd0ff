"""Pure vote arithmetic of the 党委会 (no database).

An item may be voted on when more than half of all committee members are present and not
recused, at least two thirds for a cadre appointment (任免). It passes with the agreement of
more than half of ALL members (not of those present). The presiding secretary votes last.
"""

from __future__ import annotations

from dataclasses import dataclass


def has_quorum(*, eligible: int, members: int, cadre: bool) -> bool:
    """Present and non-recused members suffice to vote on the item."""
    if members == 0:
        return False
    if cadre:
        return eligible * 3 >= members * 2
    return eligible * 2 > members


def quorum_shortfall_note(*, eligible: int, members: int, cadre: bool) -> str:
    need = "三分之二" if cadre else "半数以上"
    return f"出席且无需回避的委员{eligible}人，未达到全体委员{members}人的{need}，本议题不能表决，退回待上会。"


@dataclass(frozen=True)
class Tally:
    agree: int
    disagree: int
    abstain: int
    members: int
    defer: int = 0  # 缓议, on cadre appointments

    @property
    def passed(self) -> bool:
        """More than half of all committee members agreed."""
        return self.agree * 2 > self.members


def tally(votes: list[str], *, members: int) -> Tally:
    return Tally(agree=votes.count("agree"), disagree=votes.count("disagree"), abstain=votes.count("abstain"),
                 members=members, defer=votes.count("defer"))


@dataclass(frozen=True)
class Progress:
    """Where the vote on an item stands before the presiding secretary's 末位表态."""

    agree: int
    disagree: int
    abstain: int
    defer: int  # 缓议 (cadre appointments)
    members: int  # all committee members (应到会委员)
    present: int  # members present at the meeting
    eligible: int  # present and not recused, the presider included
    not_voted: tuple[str, ...]  # members (other than the presider) still to vote
    presider_votes: bool  # the presider may vote on this item (present, not recused)

    @property
    def needed(self) -> int:
        """Agree votes needed to pass: more than half of all members."""
        return self.members // 2 + 1

    @property
    def passes_anyway(self) -> bool:
        """Passed whatever the secretary says (and however the outstanding votes go)."""
        return self.agree * 2 > self.members

    @property
    def passes_with_presider(self) -> bool:
        """The secretary's agreement (and the outstanding members') would still make it pass."""
        best = self.agree + len(self.not_voted) + (1 if self.presider_votes else 0)
        return best * 2 > self.members

    @property
    def outlook(self) -> str:
        """The consequence of the 末位表态, in words."""
        if self.passes_anyway:
            return f"同意票已达{self.agree}票，超过全体委员{self.members}人的半数，无论书记如何表态，本议题均获通过。"
        if self.not_voted:
            return f"尚有{len(self.not_voted)}名委员未表决；通过需同意票不少于{self.needed}票。"
        if not self.presider_votes:
            return f"书记已回避本议题；同意{self.agree}票未超过全体委员{self.members}人的半数，确认后本议题不通过。"
        if self.passes_with_presider:
            return (f"书记同意则本议题通过（同意将达{self.agree + 1}票，超过全体委员{self.members}人的半数）；"
                    "否则不通过。")
        return f"即使书记同意，同意票也只有{self.agree + 1}票，未超过全体委员{self.members}人的半数，本议题不能通过。"


def progress(votes: list[str], *, members: int, present: int, eligible: int, not_voted: list[str],
             presider_votes: bool) -> Progress:
    counted = tally(votes, members=members)
    return Progress(agree=counted.agree, disagree=counted.disagree, abstain=counted.abstain, defer=counted.defer,
                    members=members,
                    present=present, eligible=eligible, not_voted=tuple(not_voted), presider_votes=presider_votes)
