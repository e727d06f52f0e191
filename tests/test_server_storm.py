"""The server under random request sequences and edit storms (real server over stdio).

Never an unhandled exception (no error or traceback in the client's log), always
an answer, and after any sequence of edits the diagnostics equal a fresh
`lint()` of the final text. Edits are mirrored in a local model that follows the
LSP rules (positions past a line's end clamp to it, past the last line to the
end of the text) in the negotiated position encoding.
"""

from __future__ import annotations

import asyncio
import random
import sys
import uuid
from bisect import bisect_right

import pytest
import pytest_lsp
from fuzzkit import SEED_FILES, case_count, count_case, seeds
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.features.problems import problems
from sip_lsp.lint import lint

SERVER = [sys.executable, "-m", "sip_lsp", "serve"]
LANGUAGE = {"kamailio": "kamailio", "opensips": "opensips", "asterisk": "asterisk", "freeswitch": "xml"}
INSERTS = [
    "{",
    "}",
    '"',
    "(",
    ")",
    "<",
    ">",
    "/>",
    "${",
    "\n",
    "\r\n",
    "é",
    "𝄞",
    "Ж",
    "\t",
    "604",
    "202",
    ";",
    'sl_send_reply("604", "x");\n',
    "ds_next_dst();\n",
    "failure_route[F] {\n",
    "exten => s,1,Dial(x)\n",
    '<action application="respond" data="486"/>',
    "</condition>",
    "#!ifdef X\n",
    "/*",
    "*/",
    "\0",
]
BIG = 10**6


class Model:
    """The document as the server must see it, with LSP position semantics."""

    def __init__(self, text: str, encoding: str) -> None:
        self.text = text
        self.units = {"utf-8": lambda c: len(c.encode("utf-8")), "utf-32": lambda c: 1}.get(
            encoding, lambda c: 2 if ord(c) > 0xFFFF else 1
        )

    def _starts(self) -> list[int]:
        starts = [0]
        i = self.text.find("\n")
        while i != -1:
            starts.append(i + 1)
            i = self.text.find("\n", i + 1)
        return starts

    def _line(self, starts: list[int], n: int) -> str:
        end = starts[n + 1] - 1 if n + 1 < len(starts) else len(self.text)
        line = self.text[starts[n] : end]
        return line[:-1] if line.endswith("\r") and n + 1 < len(starts) else line

    def offset(self, pos: types.Position) -> int:
        starts = self._starts()
        if pos.line >= len(starts):
            return len(self.text)
        count = 0
        line = self._line(starts, pos.line)
        for i, ch in enumerate(line):
            if count >= pos.character:
                return starts[pos.line] + i
            count += self.units(ch)
        return starts[pos.line] + len(line)

    def position(self, offset: int) -> types.Position:
        starts = self._starts()
        line = bisect_right(starts, offset) - 1
        return types.Position(
            line=line, character=sum(self.units(c) for c in self.text[starts[line] : offset])
        )

    def apply(self, rng: types.Range | None, new: str) -> None:
        if rng is None:
            self.text = new
            return
        start = self.offset(rng.start)
        end = max(start, self.offset(rng.end))
        self.text = self.text[:start] + new + self.text[end:]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), params=["neovim", "visual_studio_code"])
async def client(request, lsp_client: LanguageClient, tmp_path):
    for method in (
        types.CLIENT_REGISTER_CAPABILITY,
        types.WORKSPACE_INLAY_HINT_REFRESH,
        types.WORKSPACE_SEMANTIC_TOKENS_REFRESH,
    ):
        lsp_client.feature(method)(lambda *args: None)  # requests the server may send

    caps = client_capabilities(request.param)
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
        )
    )
    lsp_client.encoding = result.capabilities.position_encoding or "utf-16"
    lsp_client.root = tmp_path
    yield
    await lsp_client.shutdown_session()


def _pulls(client) -> bool:
    return client.capabilities.text_document.diagnostic is not None


def _expected(client, path, model: Model, read=None) -> list[tuple]:
    """Diagnostics a fresh lint of the model's text yields (one per problem site), as comparable tuples."""
    catalog = default_catalog()
    result = lint(model.text, str(path), Settings(), catalog, root=str(client.root), read=read)
    own = [f for f in result.findings if f.span.path is None]
    out = [
        (p.primary.rule, _pos(model.position(p.span.start)), _pos(model.position(p.span.end)), p.message)
        for p in problems(own, catalog, "en")
    ]
    out += [
        (None, _pos(model.position(n.span.start)), _pos(model.position(n.span.end)), n.message)
        for n in result.notes
        if n.span.path is None
    ]
    return sorted(out, key=repr)


def _pos(p: types.Position) -> tuple[int, int]:
    return p.line, p.character


def _got(diags) -> list[tuple]:
    return sorted(((d.code, _pos(d.range.start), _pos(d.range.end), d.message) for d in diags), key=repr)


async def _assert_converges(client, uri: str, expected: list[tuple], timeout: float = 30) -> None:
    """Pulled: one request answers for the current text. Pushed: the last publish must come to equal it."""
    if _pulls(client):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        assert _got(report.items) == expected
        return
    for _ in range(int(timeout / 0.05)):
        if _got(client.diagnostics.get(uri, [])) == expected:
            return
        await asyncio.sleep(0.05)
    assert _got(client.diagnostics.get(uri, [])) == expected


def _no_server_errors(client) -> None:
    bad = [
        m.message
        for m in client.log_messages
        if m.type == types.MessageType.Error or "Traceback" in m.message
    ]
    assert not bad, bad[0][:3000]


def _random_position(rng: random.Random, model: Model) -> types.Position:
    lines = model.text.count("\n") + 1
    return rng.choice(
        [
            types.Position(line=rng.randrange(lines), character=rng.randrange(120)),
            types.Position(line=rng.randrange(lines), character=rng.randrange(4)),
            types.Position(line=lines + rng.randrange(5), character=rng.randrange(10)),
            types.Position(line=BIG, character=BIG),
            types.Position(line=0, character=0),
        ]
    )


def _random_range(rng: random.Random, model: Model) -> types.Range:
    """Mostly small edits in place; some reach past the end of a line or of the document."""
    lines = model.text.count("\n") + 1
    line, col = rng.randrange(lines), rng.randrange(60)
    kind = rng.random()
    if kind < 0.7:
        end = types.Position(line=line, character=col + rng.randrange(3))
    elif kind < 0.8:
        line = max(0, lines - 1 - rng.randrange(2))
        end = types.Position(line=BIG, character=BIG)
    elif kind < 0.9:
        line, col = lines + rng.randrange(3), BIG
        end = types.Position(line=line + rng.randrange(2), character=col)
    else:
        end = types.Position(line=line + rng.randrange(1, 3), character=rng.randrange(BIG))
    return types.Range(start=types.Position(line=line, character=col), end=end)


async def _random_request(client, rng: random.Random, uri: str, model: Model):
    ident = types.TextDocumentIdentifier(uri=uri)
    pos = _random_position(rng, model)
    kind = rng.randrange(8)
    if kind == 0:
        return await client.text_document_hover_async(types.HoverParams(text_document=ident, position=pos))
    if kind == 1:
        return await client.text_document_completion_async(
            types.CompletionParams(text_document=ident, position=pos)
        )
    if kind == 2:
        return await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=ident,
                range=_random_range(rng, model),
                context=types.CodeActionContext(
                    diagnostics=[],
                    only=rng.choice([None, [types.CodeActionKind.QuickFix], ["source.fixAll.sip-lsp"]]),
                ),
            )
        )
    if kind == 3:
        return await client.text_document_definition_async(
            types.DefinitionParams(text_document=ident, position=pos)
        )
    if kind == 4:
        return await client.text_document_references_async(
            types.ReferenceParams(
                text_document=ident,
                position=pos,
                context=types.ReferenceContext(include_declaration=rng.random() < 0.5),
            )
        )
    if kind == 5:
        return await client.text_document_inlay_hint_async(
            types.InlayHintParams(text_document=ident, range=_random_range(rng, model))
        )
    if kind == 6:
        return await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=ident)
        )
    msg_id = str(uuid.uuid4())  # a request cancelled at once: it is answered (result or cancellation)
    future = client.protocol.send_request(
        types.TEXT_DOCUMENT_HOVER, types.HoverParams(text_document=ident, position=pos), msg_id=msg_id
    )
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
    try:
        return await asyncio.wait_for(asyncio.wrap_future(future), 30)
    except asyncio.TimeoutError:
        raise
    except Exception:  # the cancellation error is an answer
        return None


def _open(client, path, text: str, language: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)
        )
    )
    return uri


def _change(client, uri: str, version: int, rng_: types.Range | None, text: str) -> None:
    change = (
        types.TextDocumentContentChangeWholeDocument(text=text)
        if rng_ is None
        else types.TextDocumentContentChangePartial(range=rng_, text=text)
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[change],
        )
    )


@pytest.mark.parametrize("seed", range(3))
async def test_random_sequences_answer_and_end_in_a_fresh_analysis(client, seed, pytestconfig):
    rng = random.Random(seed)
    steps = max(40, case_count() // 2)
    docs = {}
    for name, _dialect, text in seeds():
        path = client.root / name
        docs[name] = [
            _open(client, path, text, LANGUAGE[SEED_FILES[name]]),
            Model(text, client.encoding),
            1,
            path,
        ]
    closed = client.root / "closed.cfg"
    _open(client, closed, "route[X] { exit; }\n", "kamailio")
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=closed.as_uri()))
    )
    for _ in range(steps):
        name = rng.choice(list(docs))
        uri, model, version, path = docs[name]
        action = rng.random()
        if action < 0.45:
            burst = rng.randrange(1, 6)  # several edits before any request
            for _ in range(burst):
                version += 1
                new = "".join(rng.choice(INSERTS) for _ in range(rng.randrange(0, 3)))
                rng_ = None if rng.random() < 0.05 else _random_range(rng, model)
                if rng_ is None:  # a whole-document change: a copy, sometimes truncated
                    new = (
                        model.text[: rng.choice([len(model.text), rng.randrange(len(model.text) + 1)])] + new
                    )
                _change(client, uri, version, rng_, new)
                model.apply(rng_, new)
            docs[name][2] = version
        elif action < 0.5:
            other = rng.choice(
                [
                    closed.as_uri(),
                    (client.root / "never-opened.cfg").as_uri(),
                    "untitled:Untitled-1",
                    "file:///nonexistent/%00/x.cfg",
                ]
            )
            answer = await _random_request(client, rng, other, Model("", client.encoding))
            assert not (answer.items if isinstance(answer, types.CompletionList) else answer), answer
        else:
            await _random_request(client, rng, uri, model)
        count_case(pytestconfig, "server requests")
    expected = {name: _expected(client, path, model) for name, (uri, model, version, path) in docs.items()}
    assert any(expected.values()), "the edits left nothing to compare"
    for name, (uri, *_) in docs.items():
        await _assert_converges(client, uri, expected[name])
    _no_server_errors(client)


async def test_did_change_storm_ends_in_a_fresh_analysis(client, pytestconfig):
    """Hundreds of keystrokes without waiting, with requests interleaved and never awaited until the end."""
    rng = random.Random(99)
    path = client.root / "storm.cfg"
    start = seeds()[0][2]
    uri = _open(client, path, start, "kamailio")
    model = Model(start, client.encoding)
    typed = 'failure_route[STORM] {\n\tif (t_check_status("[56].*")) {\n\t\tds_next_dst();\n\t}\n}\n'
    version, pending = 1, []
    balanced = [
        "",
        "",
        " ",
        "\n",
        "\r\n",
        "é",
        "𝄞",
        "604",
        "202",
        ";",
        "{}",
        "()",
        '""',
        "ds_next_dst();\n",
        'sl_send_reply("604", "x");\n',
        "<!-- -->",
    ]
    for i in range(600):
        version += 1
        if i >= 600 - len(typed):  # at last type a route at the end, one character at a time
            end = model.position(len(model.text))
            rng_, new = types.Range(start=end, end=end), typed[i - 600 + len(typed)]
        else:  # random edits first, some with ranges past the end
            rng_, new = _random_range(rng, model), rng.choice(balanced)
        _change(client, uri, version, rng_, new)
        model.apply(rng_, new)
        if i % 25 == 0:
            pending.append(asyncio.ensure_future(_random_request(client, rng, uri, model)))
    answers = await asyncio.wait_for(asyncio.gather(*pending, return_exceptions=True), 120)
    assert not [a for a in answers if isinstance(a, BaseException)], answers
    expected = _expected(client, path, model)
    assert expected, "the edits left too little to compare"
    await _assert_converges(client, uri, expected)
    count_case(pytestconfig, "server requests", 600)
    _no_server_errors(client)


async def test_an_include_of_a_fifo_does_not_hang_the_server(client):
    """Regression: the server opened an included FIFO for reading and blocked forever."""
    import os

    os.mkfifo(client.root / "pipe.cfg")
    text = '#!KAMAILIO\ninclude_file "pipe.cfg"\nrequest_route {\n\tsl_send_reply("202", "Accepted");\n}\n'
    uri = _open(client, client.root / "main.cfg", text, "kamailio")
    symbols = await asyncio.wait_for(
        client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
        ),
        30,
    )
    assert symbols
    expected = _expected(client, client.root / "main.cfg", Model(text, client.encoding), read=lambda p: None)
    assert [e[0] for e in expected] == ["SC103"]
    await _assert_converges(client, uri, expected)
    _no_server_errors(client)
