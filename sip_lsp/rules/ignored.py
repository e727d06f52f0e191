"""SC316: a dialplan step the engine never runs as written.

FreeSWITCH's mod_dialplan_xml (parse_exten) reads only the <condition>
children of an <extension>, so an <action> beside them never runs; and it
decides every condition when the call is routed, before any queued action
runs, so a condition on what a bridge leaves behind (originate_disposition,
sip_invite_failure_status ...) placed after that bridge in the same extension
never sees the bridge's result. sip_term_status is set on the called leg only.
"""

from __future__ import annotations

from sip_lsp.model import IgnoredStep, Related
from sip_lsp.rules.context import Found, RuleContext

B_LEG_ONLY = "sip_term_status"  # catalog/engines/freeswitch.yaml b_leg_only_variables


def sc316_ignored_action(step: IgnoredStep, ctx: RuleContext) -> Found:
    """One finding per step: the action outside conditions, or the routing-time condition."""
    if step.kind == "outside-condition":
        return (ctx.finding("SC316", step.span, application=step.name),)
    related = tuple(Related(span, ctx.text("SC316", "related-bridge")) for span in step.related)
    key = "b-leg" if step.name == B_LEG_ONLY else "routing-time"
    return (ctx.finding("SC316", step.span, key, variable=step.name, related=related),)
