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

    @property
    def passed(self) -> bool:
        """More than half of all committee members agreed."""
        return self.agree * 2 > self.members


def tally(votes: list[str], *, members: int) -> Tally:
    return Tally(agree=votes.count("agree"), disagree=votes.count("disagree"), abstain=votes.count("abstain"),
                 members=members)
