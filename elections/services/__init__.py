"""Writes of the 三上三下 election, one module per stage; each step's rules are enforced here.

request (一上/一下) → nomination (二上/二下) → plan (三上/三下) → voting (党员大会) → result
(书记、副书记, 报批). Step services are called by the nodes of `elections/flows.py` inside the
process lock; the flow sets the election's status as each step is entered.
"""

from .nomination import (
    check_may_try_recommending,
    election_candidate_review,
    election_nominate,
    recommendation_submit,
)
from .plan import election_plan_review, election_plan_submit
from .request import election_request, election_request_review, may_request_somewhere
from .result import election_officer_elect, election_result_review
from .voting import election_round_record

__all__ = [
    "check_may_try_recommending", "election_candidate_review", "election_nominate",
    "election_officer_elect", "election_plan_review", "election_plan_submit", "election_request",
    "election_request_review", "election_result_review", "election_round_record", "may_request_somewhere",
    "recommendation_submit",
]
