"""docs/ for bank staff: every page the index lists exists, every link between pages resolves, and no page
cites a document users do not have."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = ["first-month.md", "language.md", "tables.md", "workspace.md", "policy-tests.md", "register.md", "engines.md", "codes.md"]


def test_the_index_lists_every_page_and_every_link_resolves():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    assert all(f"({page})" in index for page in PAGES)
    for page in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(([^)#:]+\.md)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).is_file(), f"{page.name} links to missing {target}"


def test_no_page_cites_a_document_users_do_not_have():
    for page in DOCS.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert "SPEC" not in text and "specification" not in text.lower(), page.name
