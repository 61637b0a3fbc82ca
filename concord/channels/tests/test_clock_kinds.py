"""Point 0 of the due-process issue: the whole clock-kind table, row by row, written by hand.

Each row says what a clock is, from its legal basis: a fixed number in national law is
*statutory* and belongs to the *case* (it keeps running when the case changes hands); a local
rule, a draft or a platform choice is *policy* and belongs to the current *owner*. A breach
escalates only where the clock measures the owning body's own work (accepting, deciding,
handling, mediating); a party's window or a filing limit only informs. The table below is
not produced by the code under test: a policy clock marked statutory (and so escalating ahead
of the law's clock), a party's window marked as escalating, or a statutory clock left with the
owner each fail here.
"""

from concord.channels import rules

S, P = "statutory", "policy"
CASE, OWNER = "case", "owner"

# (channel, clock kind): (nature, holder, escalates)   # basis
EXPECTED = {
    # 深圳多元化解条例(2022) art 25: a local default period, not national law.
    ("peoples_mediation", "mediation_period"): (P, OWNER, True),
    # 劳动争议调解仲裁法 art 14: 15 days; after it a party may go to arbitration (informs).
    ("peoples_mediation", "labour_mediation"): (S, CASE, False),
    # 深圳多元化解条例 arts 45, 46, 25: local rules.
    ("administrative_mediation", "acceptance"): (P, OWNER, True),
    ("administrative_mediation", "transfer"): (P, OWNER, False),
    ("administrative_mediation", "mediation_period"): (P, OWNER, True),
    # 民事诉讼法 art 205: the parties' 30 days to apply; SPC provisions (2011): the court's work.
    ("judicial_confirmation", "filing_limit"): (S, CASE, False),
    ("judicial_confirmation", "acceptance"): (S, CASE, True),
    ("judicial_confirmation", "decision"): (S, CASE, True),
    # 劳动争议调解仲裁法 arts 27 (filing), 29 (acceptance), 43 (award), 50 and 49 (parties).
    ("labour_arbitration", "filing_limit"): (S, CASE, False),
    ("labour_arbitration", "acceptance"): (S, CASE, True),
    ("labour_arbitration", "decision"): (S, CASE, True),
    ("labour_arbitration", "next_step"): (S, CASE, False),
    ("labour_arbitration", "set_aside"): (S, CASE, False),
    # 农村土地承包经营纠纷调解仲裁法 arts 18, 23, 47, 48.
    ("land_arbitration", "filing_limit"): (S, CASE, False),
    ("land_arbitration", "acceptance"): (S, CASE, True),
    ("land_arbitration", "decision"): (S, CASE, True),
    ("land_arbitration", "next_step"): (S, CASE, False),
    # 行政诉讼法 art 46: the party's window to sue.
    ("administrative_ruling", "next_step"): (S, CASE, False),
    # 行政复议法(2023) arts 20, 21 (the applicant's limits), 30, 31, 62 (the body's work);
    # 行政诉讼法 art 45 (the party's window to sue).
    ("administrative_reconsideration", "filing_limit"): (S, CASE, False),
    ("administrative_reconsideration", "filing_limit_uninformed"): (S, CASE, False),
    ("administrative_reconsideration", "absolute_limit"): (S, CASE, False),
    ("administrative_reconsideration", "acceptance"): (S, CASE, True),
    ("administrative_reconsideration", "completion_request"): (S, CASE, False),
    ("administrative_reconsideration", "decision"): (S, CASE, True),
    ("administrative_reconsideration", "simple_decision"): (S, CASE, True),
    ("administrative_reconsideration", "next_step"): (S, CASE, False),
    # 民法典 art 188; 民事诉讼法 art 126; 行政诉讼法 arts 46, 51.
    ("litigation", "filing_limit"): (S, CASE, False),
    ("litigation", "absolute_limit"): (S, CASE, False),
    ("litigation", "acceptance"): (S, CASE, True),
    ("litigation", "admin_filing_limit"): (S, CASE, False),
    ("litigation", "admin_acceptance"): (S, CASE, False),
    # 信访工作条例(2022) arts 22, 23 (transfer, acceptance, the 5-day objection), 34 (the
    # written reply), 35-36 (the petitioner's windows and the review bodies' opinions).
    ("petition", "transfer"): (S, CASE, False),
    ("petition", "acceptance"): (S, CASE, True),
    ("petition", "objection"): (S, CASE, False),
    ("petition", "decision"): (S, CASE, True),
    ("petition", "review_request"): (S, CASE, False),
    ("petition", "review_decision"): (S, CASE, True),
    ("petition", "recheck_request"): (S, CASE, False),
    ("petition", "recheck_decision"): (S, CASE, True),
    # 北京 12345 specification (a consultation draft) and 济南 12345 regulations art 24:
    # local rules, so policy; the handling clocks are the owner's work, the response and
    # intake clocks inform.
    ("service_dispatch", "emergency_response"): (P, OWNER, False),
    ("service_dispatch", "utility_response"): (P, OWNER, False),
    ("service_dispatch", "general_handling"): (P, OWNER, True),
    ("service_dispatch", "complex_handling"): (P, OWNER, True),
    ("service_dispatch", "working_day_handling"): (P, OWNER, True),
    ("service_dispatch", "web_intake"): (P, OWNER, False),
    # The platform's own crisis-intervention policy.
    ("counselling_referral", "high_risk_follow_up"): (P, OWNER, False),
}


def test_every_clock_of_every_channel_is_what_its_legal_basis_makes_it():
    actual = {
        (r.channel_code, str(r.kind)): (str(r.nature), str(r.holder), r.escalates)
        for r in rules.clock_kind_table()
    }
    wrong = {
        key: (actual.get(key), want) for key, want in EXPECTED.items() if actual.get(key) != want
    }
    assert not wrong, f"(actual, expected) per clock: {wrong}"
    assert set(actual) == set(EXPECTED), "a clock was added or removed: add its row by hand"


def test_no_clock_set_outside_national_law_is_statutory_and_every_statutory_clock_is_the_cases():
    for row in rules.clock_kind_table():
        national = row.citation.jurisdiction == "national" and row.citation.grade != "C"
        if row.nature == "statutory":
            assert national, (row.channel_code, row.kind)
            assert row.holder == "case", (row.channel_code, row.kind)
        else:
            assert row.holder == "owner", (row.channel_code, row.kind)
