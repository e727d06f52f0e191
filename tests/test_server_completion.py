"""Completion of codes with phrases at reply sites and of class patterns."""

from __future__ import annotations

import pytest_lsp
from fixtures.server.client import SERVER, apply_edits, initialize_params, like_an_editor, open_document
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from sip_lsp.catalog import default_catalog

TEXT = '#!KAMAILIO\nloadmodule "sl.so"\nrequest_route {\n\tsl_send_reply("\n\tif (t_check_status("4\n}\n'
# The editor closed the quote and the parenthesis as the user typed `sl_send_reply("4`.
PAIRED = '#!KAMAILIO\nloadmodule "sl.so"\nrequest_route {\n\tsl_send_reply("4");\n}\n'


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
    assert busy.text_edit.new_text == '"486", "Busy Here"'
    assert busy.documentation.value
    catalog = default_catalog()
    common = max(catalog.codes.values(), key=lambda e: e.frequency)
    rare = min(catalog.codes.values(), key=lambda e: e.frequency)
    assert by_label[str(common.code)].sort_text < by_label[str(rare.code)].sort_text


async def test_the_item_replaces_the_whole_argument_with_code_and_phrase(client):
    doc_uri, text = open_document(client, "paired.cfg", PAIRED)
    items = await _complete(client, doc_uri, 3, len('\tsl_send_reply("4'))
    not_found = next(i for i in items if i.label == "404")
    edit = not_found.text_edit
    # From the opening quote to the cursor: the closing quote the editor paired stays and closes
    # the text (Neovim expands a snippet at the cursor whatever the range's end).
    assert (edit.range.start.character, edit.range.end.character) == (
        len("\tsl_send_reply("),
        len('\tsl_send_reply("4'),
    )
    assert edit.new_text == '"404", "Not Found'
    assert not_found.filter_text.startswith('"4')  # what the editor filters with: the typed `"4`
    # Both editors declare snippet support: a snippet is inserted whole (Neovim cuts plain text
    # at its first space). Nothing in the text needs escaping.
    assert not_found.insert_text_format == types.InsertTextFormat.Snippet
    assert apply_edits(text, [edit]).split("\n")[3] == '\tsl_send_reply("404", "Not Found");'


async def test_every_row_shows_the_phrase_and_a_short_documentation(client):
    doc_uri, _ = open_document(client, "completion.cfg", TEXT)
    items = await _complete(client, doc_uri, 3, len('\tsl_send_reply("'))
    for item in items:
        entry = default_catalog().code(int(item.label))
        assert item.label_details.description == entry.reason
        doc = item.documentation.value
        assert doc.startswith(f"**{entry.code} {entry.reason}**")
        assert len(doc.split()) <= 80, (item.label, len(doc.split()))


async def test_status_pattern_offers_class_patterns(client):
    doc_uri, _ = open_document(client, "completion.cfg", TEXT)
    items = await _complete(client, doc_uri, 4, len('\tif (t_check_status("4'))
    labels = {i.label for i in items}
    assert "6[0-9][0-9]" in labels and "486" in labels and "180" not in labels
    busy = next(i for i in items if i.label == "486")
    assert busy.text_edit.range.start.character == len('\tif (t_check_status("')
    assert busy.text_edit.new_text == "486"
    six = next(i for i in items if i.label == "6[0-9][0-9]")
    assert six.label_details.description == "6xx Global Failure"
    assert six.text_edit.new_text == "6[0-9][0-9]"  # no `$` or `}` to escape in a snippet


async def test_no_completion_elsewhere(client):
    doc_uri, _ = open_document(client, "completion.cfg", TEXT)
    assert not await _complete(client, doc_uri, 1, 3)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def plain(lsp_client: LanguageClient):
    """A client without snippet support."""
    params = initialize_params("visual_studio_code")
    params.capabilities.text_document.completion.completion_item.snippet_support = False
    like_an_editor(lsp_client)
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def test_a_client_without_snippets_gets_plain_text(plain):
    doc_uri, _ = open_document(plain, "completion.cfg", TEXT)
    items = await _complete(plain, doc_uri, 3, len('\tsl_send_reply("'))
    not_found = next(i for i in items if i.label == "404")
    assert not_found.insert_text_format == types.InsertTextFormat.PlainText
    assert not_found.text_edit.new_text == '"404", "Not Found"'
