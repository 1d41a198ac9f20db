"""`crossmarket lsp`: a Language Server Protocol server over stdio (pygls).

An open file is re-checked a short pause after the author stops typing (`PAUSE`), in a worker thread, so
the editor never waits on a check; an answer to hover, completion or a quick fix uses the latest check of
the file, and a check that a newer edit has overtaken is dropped rather than shown.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from .analysis import Analysis, analyse
from .features import (completion, definition, diagnostics, document_symbols, formatting, hover, quick_fixes,
                       span_range)

PAUSE = 0.25  # seconds without an edit before a file is checked again


class RulesServer(LanguageServer):
    def __init__(self, measure: Path | None = None, schema: Path | None = None):
        super().__init__("crossmarket", __version__)
        self.measure, self.schema = measure, schema
        self.analyses: dict[str, Analysis] = {}
        self.pending: dict[str, asyncio.Task] = {}

    def analysis(self, uri: str) -> Analysis:
        """The latest check of the open file, made now if there is none yet."""
        if uri not in self.analyses:
            self.analyses[uri] = self._analyse(uri, self.workspace.get_text_document(uri).source)
        return self.analyses[uri]

    def _analyse(self, uri: str, text: str) -> Analysis:
        return analyse(Path(to_fs_path(uri)), text, self.measure, self.schema)

    async def recheck(self, uri: str, delay: float) -> None:
        document = self.workspace.get_text_document(uri)
        version, text = document.version, document.source
        await asyncio.sleep(delay)
        analysis = await asyncio.get_running_loop().run_in_executor(None, self._analyse, uri, text)
        if self.workspace.get_text_document(uri).version != version:
            return  # overtaken by a newer edit, whose own check follows
        self.analyses[uri] = analysis
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
            uri=uri, version=version, diagnostics=diagnostics(analysis, codes_page(analysis.path))))

    def schedule(self, uri: str, delay: float) -> None:
        if (task := self.pending.get(uri)) is not None:
            task.cancel()
        self.pending[uri] = asyncio.ensure_future(self.recheck(uri, delay))


def codes_page(path: Path) -> str | None:
    """The code index (`docs/codes.md`) of the repository the file lies in, for the diagnostics' links."""
    for folder in path.resolve().parents:
        page = folder / "docs" / "codes.md"
        if page.is_file():
            return page.as_uri()
    return None


def build_server(measure: Path | None = None, schema: Path | None = None) -> RulesServer:
    server = RulesServer(measure, schema)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: RulesServer, params: lsp.DidOpenTextDocumentParams):
        ls.analyses.pop(params.text_document.uri, None)
        ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: RulesServer, params: lsp.DidChangeTextDocumentParams):
        ls.schedule(params.text_document.uri, PAUSE)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RulesServer, params: lsp.DidCloseTextDocumentParams):
        ls.analyses.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=params.text_document.uri,
                                                                          diagnostics=[]))

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: RulesServer, params: lsp.HoverParams):
        text = hover(ls.analysis(params.text_document.uri), params.position.line, params.position.character)
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text)) if text else None

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[".", '"', " "]))
    def on_completion(ls: RulesServer, params: lsp.CompletionParams):
        uri = params.text_document.uri
        text = ls.workspace.get_text_document(uri).source
        return lsp.CompletionList(is_incomplete=False, items=completion(
            ls.analysis(uri), text, params.position.line, params.position.character))

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def on_definition(ls: RulesServer, params: lsp.DefinitionParams):
        found = definition(ls.analysis(params.text_document.uri), params.position.line, params.position.character)
        if found is None:
            return None
        file = Path(found.span.file).resolve()
        text = file.read_text(encoding="utf-8") if file.is_file() else ""
        return lsp.Location(uri=file.as_uri(), range=span_range(found.span, text.splitlines()))

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def on_symbols(ls: RulesServer, params: lsp.DocumentSymbolParams):
        return document_symbols(ls.analysis(params.text_document.uri))

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    def on_formatting(ls: RulesServer, params: lsp.DocumentFormattingParams):
        document = ls.workspace.get_text_document(params.text_document.uri)
        return formatting(Path(document.path), document.source)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
    def on_code_action(ls: RulesServer, params: lsp.CodeActionParams):
        analysis = ls.analysis(params.text_document.uri)
        return [action for item in params.context.diagnostics
                for action in quick_fixes(analysis, params.text_document.uri, item)]

    return server
