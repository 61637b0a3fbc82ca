"""The crisis protocol's rules per risk level, from the WELLBEING_POLICY settings (core.conf).

No national text sets response times per risk level (PROCESS_RULES.md W7), so every number
is a Concord design choice and the interface labels it "policy". The defaults and their reasons
are in `concord.core.conf.Wellbeing`.
"""

from __future__ import annotations

from concord.core import conf

from .protocol import RiskRule


def rule_for(risk: str) -> RiskRule:
    """Return the policy's rule for one risk level."""
    return RiskRule.from_dict(conf.wellbeing().risks[risk])
