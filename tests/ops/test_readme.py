"""The README's and docs/'s examples still give the outputs they show, and their commands
work as written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support.client import Client
from support.data import ROOT

# A graphql block right before a json block (only blank space between): a query and its answer.
EXAMPLE = re.compile(
    r"```graphql\n(?P<query>(?:(?!```).)*)```\s*```json\n(?P<output>(?:(?!```).)*)```", re.S
)
SHELL = re.compile(r"```(?:sh|console)\n(?P<body>.*?)```", re.S)
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def test_every_docs_page_is_linked_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for page in PAGES[1:]:
        assert f"(docs/{page.name})" in readme, page.name


def test_the_readme_and_docs_hold_examples() -> None:
    examples = [e for page in PAGES for e in EXAMPLE.findall(page.read_text())]
    assert len(EXAMPLE.findall((ROOT / "README.md").read_text())) >= 1
    assert len(examples) >= 8


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_examples_are_real(seeded: Client, page: Path) -> None:
    for query, output in EXAMPLE.findall(page.read_text()):
        assert seeded.post(query) == json.loads(output), (page.name, query)


def commands(text: str) -> list[list[str]]:
    """The commands of the shell blocks: lines that run dev.py or the package."""
    found = []
    for block in SHELL.findall(text):
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip().removeprefix("$ ")
            words = [w for w in line.split() if "=" not in w or w.startswith("-")]
            if "dev.py" in " ".join(words[:2]) or "gql_server" in words[:3]:
                found.append(words)
    return found


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_commands_work_as_written(page: Path) -> None:
    """Every command is `python3 dev.py ...` or `.venv/bin/python -m gql_server ...` (a bare
    `python -m gql_server` fails outside the virtual environment), and names a command that
    exists; each distinct command's --help runs."""
    sys.path.insert(0, str(ROOT))
    import dev

    for words in commands(page.read_text()):
        line = " ".join(words)
        if words[:2] == ["python3", "dev.py"]:
            command = words[2]
            assert command == "test" or command in dev.COMMANDS, line
        else:
            assert words[:3] == [".venv/bin/python", "-m", "gql_server"], line
            command = words[3]
        if command == "test":
            continue
        shown = subprocess.run(
            [sys.executable, "-m", "gql_server", command, "--help"],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )
        assert shown.returncode == 0, (line, shown.stderr)
        for option in (w.strip("[]").split("=")[0] for w in words if w.lstrip("[").startswith("--")):
            assert option in shown.stdout, (line, option)
