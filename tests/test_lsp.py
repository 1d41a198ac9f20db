"""The language server, driven through the protocol as an editor drives it: a real `crossmarket lsp`
process on a pipe, a pygls client on the other end."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
PANJIN = ROOT / "policies" / "branches" / "panjin.xm"


class Editor:
    """An editor session with one server: open files, wait for their diagnostics, ask questions."""

    def __init__(self):
        self.client = LanguageClient("test-editor", "1")
        self.published: dict[str, asyncio.Queue] = {}

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        async def on_diagnostics(params: lsp.PublishDiagnosticsParams):
            self.published.setdefault(params.uri, asyncio.Queue()).put_nowait(params.diagnostics)

    async def __aenter__(self):
        await self.client.start_io(sys.executable, "-m", "crossmarket_dsl", "lsp", cwd=str(ROOT))
        await self.client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(),
                                                                root_uri=ROOT.as_uri()))
        self.client.initialized(lsp.InitializedParams())
        return self

    async def __aexit__(self, *exc):
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    async def open(self, path: Path, text: str) -> list[lsp.Diagnostic]:
        uri = path.as_uri()
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="crossmarket", version=1, text=text)))
        return await self.diagnostics(uri)

    async def change(self, path: Path, text: str, version: int) -> list[lsp.Diagnostic]:
        uri = path.as_uri()
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
        return await self.diagnostics(uri)

    async def diagnostics(self, uri: str) -> list[lsp.Diagnostic]:
        return list(await asyncio.wait_for(self.published.setdefault(uri, asyncio.Queue()).get(), 60))


def at(text: str, needle: str, offset: int = 1) -> lsp.Position:
    for number, line in enumerate(text.splitlines()):
        if needle in line:
            return lsp.Position(number, line.index(needle) + offset)
    raise AssertionError(f"{needle!r} is not in the text")


def session(test):
    """Run an async test with a fresh editor session."""
    def run():
        async def body():
            async with Editor() as editor:
                await test(editor)
        asyncio.run(body())
    run.__name__ = test.__name__
    return run


@session
async def test_errors_as_the_author_types_and_a_quick_fix_for_each(editor):
    text = PANJIN.read_text(encoding="utf-8")
    assert await editor.open(PANJIN, text) == []
    typo = text.replace("target target_ratio * product.indicator", "target target_rato * product.indicator")
    found = await editor.change(PANJIN, typo, 2)
    assert [d.code for d in found] == ["E201"]
    assert found[0].range.start == at(typo, "target_rato", 0)
    assert "target_rato" in found[0].message and found[0].source == "crossmarket"
    assert found[0].code_description.href.endswith("docs/codes.md#e201")
    actions = await editor.client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=PANJIN.as_uri()), range=found[0].range,
        context=lsp.CodeActionContext(diagnostics=found)))
    assert [a.title for a in actions] == ["change `target_rato` to `target_ratio`"]
    edit = actions[0].edit.changes[PANJIN.as_uri()][0]
    assert (edit.range, edit.new_text) == (found[0].range, "target_ratio")
    full_width = text.replace("points 10 per unit", "points 10 per unit，", 1)
    found = await editor.change(PANJIN, full_width, 3)
    assert [d.code for d in found] == ["E101"]
    actions = await editor.client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=PANJIN.as_uri()), range=found[0].range,
        context=lsp.CodeActionContext(diagnostics=found)))
    assert actions[0].edit.changes[PANJIN.as_uri()][0].new_text == ","


@session
async def test_head_office_bounds_are_diagnostics_too(editor):
    text = PANJIN.read_text(encoding="utf-8").replace("let 优质评级", "set mortgage_exclusive = 80%\nlet 优质评级")
    found = await editor.open(PANJIN, text)
    assert [(d.code, d.range.start.line) for d in found] == [("E401", at(text, "set mortgage_exclusive").line)]
    assert "第二十条" in found[0].message


@session
async def test_hover_shows_parameters_products_fields_and_articles(editor):
    text = PANJIN.read_text(encoding="utf-8")
    await editor.open(PANJIN, text)

    async def hover(needle: str, offset: int = 1) -> str:
        answer = await editor.client.text_document_hover_async(lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=PANJIN.as_uri()), position=at(text, needle, offset)))
        return answer.contents.value

    ratio = await hover("target_ratio")
    assert "value: `10%`" in ratio and "at least `10%`" in ratio and "第十八条" in ratio
    card = await hover("信用卡 {")
    assert "code `CARD`" in card and "信用卡中心" in card and "`target 300`" in card
    assert "column `tax_rank` of the clients table (`clients.csv`)" in await hover("client.tax_rank", 8)
    article = await hover('cite "第十条"', 7)
    assert article.startswith("**第十条**") and "指定一家经营行网点协办" in article  # the article's own words


@session
async def test_completion_offers_the_workspace_columns_and_the_measure_names(editor):
    text = PANJIN.read_text(encoding="utf-8")
    await editor.open(PANJIN, text)
    typing = text.replace("client.tax_rank <= 利税排名前列", "client.", 1)
    editor.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=PANJIN.as_uri(), version=2),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=typing)]))
    where = at(typing, "client.", len("client."))
    answer = await editor.client.text_document_completion_async(lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=PANJIN.as_uri()), position=where))
    labels = [item.label for item in answer.items]
    assert {"tax_rank", "credit_line", "listed", "rating", "annual_sales"} <= set(labels)
    assert "deal_id" not in labels
    line = at(typing, "product 个人住房贷款", 0)
    answer = await editor.client.text_document_completion_async(lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=PANJIN.as_uri()), position=lsp.Position(line.line + 1, 2)))
    assert {"points", "target", "target_ratio", "min", "deal."} <= {item.label for item in answer.items}
    citing = typing.replace('cite "第十条"', 'cite "', 1)
    editor.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=PANJIN.as_uri(), version=3),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=citing)]))
    answer = await editor.client.text_document_completion_async(lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=PANJIN.as_uri()), position=at(citing, 'cite "', 6)))
    articles = {item.label: item.detail for item in answer.items}
    assert len(articles) == 25 and articles["第九条"].startswith("结合行业排名、评级授信")


@session
async def test_definition_symbols_and_formatting(editor):
    text = PANJIN.read_text(encoding="utf-8")
    await editor.open(PANJIN, text)
    identifier = lsp.TextDocumentIdentifier(uri=PANJIN.as_uri())
    found = await editor.client.text_document_definition_async(lsp.DefinitionParams(
        text_document=identifier, position=at(text, "target_ratio")))
    measure = ROOT / "policies" / "measure" / "2026.xm"
    assert found.uri == measure.as_uri()
    assert "param target_ratio" in measure.read_text(encoding="utf-8").splitlines()[found.range.start.line]
    article = await editor.client.text_document_definition_async(lsp.DefinitionParams(
        text_document=identifier, position=at(text, 'cite "第十条"', 7)))
    assert measure.read_text(encoding="utf-8").splitlines()[article.range.start.line].startswith("article 第十条")
    symbols = await editor.client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=identifier))
    assert {"兴隆台支行", "个人住房贷款", "targets for 公司业务部"} <= {symbol.name for symbol in symbols}
    messy = text.replace("product 个人住房贷款 {\n  points 10 per unit", "product 个人住房贷款 {   points 10 per unit", 1)
    await editor.change(PANJIN, messy, 2)
    edits = await editor.client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=identifier, options=lsp.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert [edit.new_text for edit in edits] == [text]


def test_a_file_that_cannot_be_checked_is_one_diagnostic(tmp_path):
    from crossmarket_dsl.editor.analysis import analyse
    from crossmarket_dsl.editor.features import diagnostics

    lone = tmp_path / "lone.xm"
    text = 'rules "无名" {\n  implements "不存在的办法" version "1999"\n  branch "x"\n  effective 2026-01-01 to 2026-12-31\n}\n'
    found = diagnostics(analyse(lone, text))
    assert [d.code for d in found] == ["E208"] and found[0].range.start.line == 1


@pytest.mark.parametrize("text, line, column, block", [
    ("product 信用卡 {\n  ", 1, 2, "product"),
    ('gate 大 on client {\n  cite "{"\n  ', 2, 2, "gate"),
    ("product 信用卡 { points 1 per unit }\n", 1, 0, None),
    ('award 突破 for project "P{1}" {\n  ', 1, 2, "award"),
    ("objective 公司业务部 {\n  target 800\n  ", 2, 2, "objective"),
])
def test_the_block_around_the_cursor(text, line, column, block):
    from crossmarket_dsl.editor.features import enclosing_block
    assert enclosing_block(text, line, column) == block
