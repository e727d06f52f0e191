"""Completion of codes with phrases at reply sites and of class patterns."""

from __future__ import annotations

from fixtures.server.client import open_document
from lsprotocol import types

from sip_lsp.catalog import default_catalog

TEXT = '#!KAMAILIO\nloadmodule "sl.so"\nrequest_route {\n\tsl_send_reply("\n\tif (t_check_status("4\n}\n'


async def _complete(client, doc_uri, line, character):
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=doc_uri),
            position=types.Position(line=line, character=character),
        )
    )
    return result.items if isinstance(result, types.CompletionList) else result


async def test_reply_site_offers_codes_with_phrases(client):
    doc_uri, _ = open_document(client, "completion.cfg", TEXT)
    items = await _complete(client, doc_uri, 3, len('\tsl_send_reply("'))
    by_label = {i.label: i for i in items}
    busy = by_label["486"]
    assert busy.detail == "Busy Here"
    assert busy.text_edit.new_text == '486", "Busy Here"'
    assert busy.documentation.value
    catalog = default_catalog()
    common = max(catalog.codes.values(), key=lambda e: e.frequency)
    rare = min(catalog.codes.values(), key=lambda e: e.frequency)
    assert by_label[str(common.code)].sort_text < by_label[str(rare.code)].sort_text


async def test_status_pattern_offers_class_patterns(client):
    doc_uri, _ = open_document(client, "completion.cfg", TEXT)
    items = await _complete(client, doc_uri, 4, len('\tif (t_check_status("4'))
    labels = {i.label for i in items}
    assert "6[0-9][0-9]" in labels and "486" in labels and "180" not in labels
    busy = next(i for i in items if i.label == "486")
    assert busy.text_edit.range.start.character == len('\tif (t_check_status("')
    assert busy.text_edit.new_text == "486"


async def test_no_completion_elsewhere(client):
    doc_uri, _ = open_document(client, "completion.cfg", TEXT)
    assert not await _complete(client, doc_uri, 1, 3)
