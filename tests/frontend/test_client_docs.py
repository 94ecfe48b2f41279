"""docs/relay.md and docs/apollo.md quote the example files the client tests run: every code
block marked ``<!-- quoted from PATH -->`` equals that file, so the docs cannot drift."""

from __future__ import annotations

import re

import pytest
from frontend_support import ROOT

QUOTE = re.compile(r"<!-- quoted from (\S+) -->\n```\w*\n(.*?)```", re.DOTALL)


@pytest.mark.parametrize(
    ("page", "quoted"),
    [
        (
            "docs/relay.md",
            {
                "examples/relay/relay.config.json",
                "examples/relay/src/environment.js",
                "examples/relay/src/Dockings.js",
            },
        ),
        (
            "docs/apollo.md",
            {"examples/apollo/src/cache.js", "examples/apollo/scripts/schema-facts.js"},
        ),
    ],
)
def test_the_docs_quote_the_files_the_tests_run(page: str, quoted: set[str]) -> None:
    text = (ROOT / page).read_text()
    blocks = QUOTE.findall(text)
    assert {path for path, _ in blocks} == quoted
    for path, body in blocks:
        assert body == (ROOT / path).read_text(), f"{page}: the block quoting {path} differs"
    # Every fenced block is either quoted from a file or a shell command to run.
    fences = re.findall(r"^```(\w*)$", text, re.MULTILINE)
    assert fences.count("sh") + len(blocks) == len(fences) // 2
