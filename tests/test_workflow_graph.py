"""`manage.py workflow_graph` draws the status machine from claims.workflow; docs/workflow.md shows it."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims import workflow

DOC = Path(__file__).resolve().parent.parent / "docs" / "workflow.md"


def run(*args) -> str:
    out = StringIO()
    call_command("workflow_graph", *args, stdout=out)
    return out.getvalue()


def test_the_mermaid_graph_has_an_edge_for_every_transition_from_every_status_it_starts_from():
    graph = run()
    assert graph.startswith("stateDiagram-v2\n")
    for t in workflow.TRANSITIONS.values():
        for source in t.sources:
            assert f"    {source} --> {t.target} : {t.name} ({', '.join(t.roles)})\n" in graph
    edges = [line for line in graph.splitlines() if " : " in line]
    assert len(edges) == sum(len(t.sources) for t in workflow.TRANSITIONS.values())


def test_the_dot_graph_has_an_edge_for_every_transition_from_every_status_it_starts_from():
    graph = run("--format", "dot")
    assert graph.startswith("digraph claim_status {")
    for t in workflow.TRANSITIONS.values():
        for source in t.sources:
            assert f'    {source} -> {t.target} [label="{t.name}\\n(' in graph


def test_an_unknown_format_is_refused():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("workflow_graph", "--format", "png")


def test_the_documented_diagram_is_the_one_the_command_prints():
    documented = re.search(r"```mermaid\n(.*?)```", DOC.read_text(), re.S)
    assert documented, "docs/workflow.md has no mermaid block"
    assert documented.group(1) == run(), "regenerate it with `python manage.py workflow_graph`"


def test_the_documentation_describes_every_transition():
    text = DOC.read_text()
    for name in workflow.TRANSITIONS:
        assert f"| `{name}` |" in text, f"docs/workflow.md does not describe {name}"
