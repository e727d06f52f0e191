"""Asterisk and FreeSWITCH dialplans: causes and DIALSTATUS values hover and complete."""

from __future__ import annotations

from fixtures.server.client import at, diagnostics, open_document
from lsprotocol import types


async def _hover(client, doc_uri, position):
    return await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=doc_uri), position=position)
    )


async def _labels(client, doc_uri, position):
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=doc_uri), position=position)
    )
    items = result.items if isinstance(result, types.CompletionList) else (result or [])
    return {i.label: i for i in items}


async def test_asterisk_second_dial_and_cause_hovers(client):
    doc_uri, text = open_document(client, "extensions.conf", language_id="asterisk")
    codes = [d.code for d in await diagnostics(client, doc_uri, 1)]
    assert "SC301" in codes
    cause = await _hover(client, doc_uri, at(text, "Hangup(17)", delta=7))
    assert cause is not None and "USER_BUSY" in cause.contents.value
    status = await _hover(client, doc_uri, at(text, '"BUSY"', delta=2))
    assert status is not None and "BUSY" in status.contents.value


async def test_asterisk_completes_dialstatus_values_and_codes(client):
    text = (
        '[ctx]\nexten => s,1,Dial(PJSIP/a)\n same => n,GotoIf($["${DIALSTATUS}" = "\n'
        " same => n,PJSIPHangup(\n"
    )
    doc_uri, _ = open_document(client, "extensions.conf", text, language_id="asterisk")
    await diagnostics(client, doc_uri, 1)
    values = await _labels(
        client, doc_uri, types.Position(line=2, character=len(' same => n,GotoIf($["${DIALSTATUS}" = "'))
    )
    assert {"BUSY", "NOANSWER", "CHANUNAVAIL"} <= set(values)
    codes = await _labels(client, doc_uri, types.Position(line=3, character=len(" same => n,PJSIPHangup(")))
    assert codes["486"].text_edit.new_text == "486"


async def test_freeswitch_cause_lists_hover_and_complete(client):
    doc_uri, text = open_document(client, "dialplan.xml", language_id="xml")
    codes = [d.code for d in await diagnostics(client, doc_uri, 1)]
    assert "SC301" in codes
    hover = await _hover(client, doc_uri, at(text, "USER_BUSY", delta=2))
    assert hover is not None and "USER_BUSY" in hover.contents.value
    line = text.split("\n")[at(text, "continue_on_fail").line]
    column = line.index("NORMAL_TEMPORARY_FAILURE,") + len("NORMAL_TEMPORARY_FAILURE,")
    items = await _labels(
        client, doc_uri, types.Position(line=at(text, "continue_on_fail").line, character=column)
    )
    assert "USER_BUSY" in items and items["USER_BUSY"].text_edit.new_text == "USER_BUSY"
