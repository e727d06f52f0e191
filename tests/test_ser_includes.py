"""include_file / import_file: followed inside the workspace only, cycle-safe, facts carry the path."""

from __future__ import annotations

import os

from fixtures.ser.kit import analyze, at

from sip_lsp.model import FINAL_CODES


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write(text)


def test_included_routes_are_followed_and_carry_their_path(tmp_path):
    root = str(tmp_path)
    main = os.path.join(root, "kamailio.cfg")
    inc = os.path.join(root, "routes", "failover.cfg")
    write(inc, 'route[FO] {\n\tds_next_dst();\n\tsl_send_reply("604", "x");\n}\n')
    text = (
        'include_file "routes/failover.cfg"\n'
        'request_route {\n\tt_on_failure("F");\n\tt_relay();\n}\n'
        "failure_route[F] {\n\troute(FO);\n}\n"
    )
    an = analyze(text, path=main, root=root)
    assert an.included == [os.path.realpath(inc)]
    [site] = [s for s in an.failover_sites if s.action == "ds_next_dst"]
    assert site.span.path == os.path.realpath(inc) and site.codes == FINAL_CODES
    [via] = site.via
    assert via.path is None and at(text, via) == "route(FO)"
    [code] = an.code_sites
    assert code.span.path == os.path.realpath(inc)
    with open(inc) as fh:
        assert fh.read()[code.span.start : code.span.end] == "604"


def test_directive_form_and_reader_callback(tmp_path):
    root = str(tmp_path)
    main = os.path.join(root, "main.cfg")
    inc = os.path.join(root, "extra.cfg")
    seen = []

    def read(path):
        seen.append(path)
        return 'route[X] {\n\tsl_send_reply("404", "x");\n}\n'

    an = analyze('#!import_file "extra.cfg"\n', path=main, root=root, read=read)
    assert seen == [os.path.realpath(inc)]
    assert [b.name for b in an.blocks] == ["X"]


def test_include_outside_root_is_a_note(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    write(str(tmp_path / "secret.cfg"), 'route[S] {\n\tsl_send_reply("404", "x");\n}\n')
    text = 'include_file "../secret.cfg"\n'
    an = analyze(text, path=str(root / "k.cfg"), root=str(root))
    assert an.blocks == [] and an.included == []
    [note] = an.notes
    assert (
        at(text, note.span) == "../secret.cfg"
        and note.message == "not read: ../secret.cfg is outside the workspace"
    )


def test_include_cycle_is_cut(tmp_path):
    root = str(tmp_path)
    a, b = os.path.join(root, "a.cfg"), os.path.join(root, "b.cfg")
    write(a, 'include_file "b.cfg"\nroute[A] {\n\troute(B);\n}\n')
    write(b, 'include_file "a.cfg"\nroute[B] {\n\troute(A);\n}\n')
    with open(a) as fh:
        an = analyze(fh.read(), path=a, root=root)
    assert [blk.name for blk in an.blocks] == ["A", "B"]
    assert an.included == [os.path.realpath(b)]


def test_missing_include_is_ignored(tmp_path):
    an = analyze('include_file "nope.cfg"\n', path=str(tmp_path / "k.cfg"), root=str(tmp_path))
    assert an.included == [] and an.notes == []


def test_include_path_with_a_nul_byte_is_ignored(tmp_path):
    an = analyze(
        'include_file "\x00routes.cfg"\nroute[A] {\n}\n', path=str(tmp_path / "k.cfg"), root=str(tmp_path)
    )
    assert [b.name for b in an.blocks] == ["A"] and an.included == []


def test_suppression_by_rule_name(tmp_path):
    from sip_lsp.catalog import default_catalog
    from sip_lsp.config import Settings
    from sip_lsp.lint import lint

    text = (
        "#!KAMAILIO\nfailure_route[F] {\n"
        "\t# sip-lsp: disable=retry-after-global-failure\n\tds_next_dst();\n}\n"
    )
    found = {f.rule for f in lint(text, str(tmp_path / "a.cfg"), Settings(), default_catalog()).findings}
    assert "SC301" not in found and "SC302" in found
