"""qa/ reads as the pipeline: every module small enough to read at once (the sound-understanding issue's rule)."""

from __future__ import annotations

from pathlib import Path

QA = Path(__file__).resolve().parents[1] / "qa"


def test_no_module_of_qa_is_over_400_lines():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in QA.glob("*.py")}
    assert len(sizes) > 40  # the package itself, not an empty folder
    assert {name: n for name, n in sizes.items() if n > 400} == {}
