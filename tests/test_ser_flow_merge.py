"""A failover site the walk reaches along two paths gets one FailoverSite that merges them.

`flow.Walker.record` merges a site met again under the same route(X) chain: the
codes of either path, the shaping tests of both, and `authenticated` or
`rewrites_target` only when every path had them. A document reaches one site
twice only when a route is defined twice at one place, so the walk is driven
here with two definitions of route[R] whose ds_next_dst() stands at the same
offset: one leaves on 486 and rewrites $du, the other authenticates.
"""

from __future__ import annotations

from sip_lsp.dialects.ser import flow
from sip_lsp.dialects.ser.parser import parse_chunk
from sip_lsp.model import FailoverSite

HANDLER = "failure_route[F] {\n\troute(R);\n}\n"
ROUTES = (
    'route[R] {\n\tif (t_check_status("486")) {\n\t\texit;\n\t}\n\t$du = "sip:b";\n',
    "route[R] {\n\tuac_auth();\n",
)
CALL = "\tds_next_dst();\n}\n"


def _definitions() -> list[flow.RouteDef]:
    width = max(len(r) for r in ROUTES)
    texts = [r[:-1] + " " * (width - len(r)) + "\n" + CALL for r in ROUTES]
    return [flow.RouteDef(parse_chunk(t).routes[0], 100, None, t) for t in texts]


def _sites(definitions: list[flow.RouteDef]) -> list[FailoverSite]:
    handler = flow.RouteDef(parse_chunk(HANDLER).routes[0], 0, None, HANDLER)
    result = flow.FlowResult()
    flow.analyze_handler(handler, "F", lambda: {"R": definitions}, "kamailio", (), result)
    return list(result.sites.values())


def test_each_path_alone():
    rewrites, authenticates = _definitions()
    [site] = _sites([rewrites])
    assert site.rewrites_target and not site.authenticated and 486 not in site.codes
    [site] = _sites([authenticates])
    assert site.authenticated and not site.rewrites_target and 486 in site.codes


def test_a_site_reached_along_two_paths_merges_what_each_path_knew():
    definitions = _definitions()
    [site] = _sites(definitions)
    assert isinstance(site, FailoverSite) and site.action == "ds_next_dst"
    assert site.codes == frozenset(range(300, 700))  # the first path lost 486, the second kept it
    assert not site.authenticated and not site.rewrites_target  # each held on one path only
    [test] = site.shaping_tests  # the 486 test of the first path shaped it
    assert definitions[0].text[test.start - 100 : test.end - 100] == "486"
