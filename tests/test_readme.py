"""The README's example queries still give the outputs it shows."""

from __future__ import annotations

import json
import re

from conftest import ROOT, Client

EXAMPLE = re.compile(r"```graphql\n(?P<query>.*?)```\s*```json\n(?P<output>.*?)```", re.S)


def test_readme_examples_are_real(seeded: Client) -> None:
    examples = EXAMPLE.findall((ROOT / "README.md").read_text())
    assert len(examples) >= 3
    for query, output in examples:
        assert seeded.post(query) == json.loads(output), query
