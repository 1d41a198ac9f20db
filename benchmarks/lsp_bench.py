"""How the language server keeps up with typing in a large rules file: a real `crossmarket lsp` process,
driven through the protocol, on the generated rules file of about 5,000 lines that `check_bench.py` uses.

It types a burst of edits (one a keystroke apart) and prints how long after the last keystroke the
diagnostics arrive, and how long a hover takes to answer while a check is running, beside the floor of
`crossmarket check` on the same file in the same run.

    python benchmarks/lsp_bench.py [--lines 5000] [--keystrokes 20] [--interval 0.08]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

from check_bench import generated_rules

ROOT = Path(__file__).resolve().parent.parent


async def measure(path: Path, text: str, keystrokes: int, interval: float) -> tuple[float, float, int]:
    client = LanguageClient("bench", "1")
    published: asyncio.Queue = asyncio.Queue()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    async def on_diagnostics(params: lsp.PublishDiagnosticsParams):
        published.put_nowait((time.perf_counter(), params.version))

    await client.start_io(sys.executable, "-m", "crossmarket_dsl", "lsp", cwd=str(ROOT))
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities()))
    client.initialized(lsp.InitializedParams())
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="crossmarket", version=1, text=text)))
    await published.get()
    typed = text
    for version in range(2, keystrokes + 2):
        typed = typed.replace("target 100", f"target {100 + version}", 1)
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=typed)]))
        last = time.perf_counter()
        await asyncio.sleep(interval)
    started = time.perf_counter()
    await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(10, 4)))
    hover = time.perf_counter() - started
    arrived, version = await published.get()
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return arrived - last, hover, version


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--keystrokes", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.08, help="seconds between keystrokes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.xm"
        text = generated_rules(args.lines)
        path.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "crossmarket_dsl", "check", str(path)], capture_output=True, cwd=ROOT)
        floor = time.perf_counter() - started
        after, hover, version = asyncio.run(measure(path, text, args.keystrokes, args.interval))
    print(f"rules file: {len(text.splitlines()):,} lines; {args.keystrokes} keystrokes {args.interval * 1000:.0f} ms apart")
    print(f"crossmarket check, whole process (floor): {floor:.2f} s")
    print(f"diagnostics after the last keystroke:     {after:.2f} s (of version {version}, the last typed: "
          f"{'yes' if version == args.keystrokes + 1 else 'no'})")
    print(f"hover answered while checking:            {hover * 1000:.0f} ms")


if __name__ == "__main__":
    main()
