from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "corpus" / "reports"


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One models folder for the run (`REPORTQA_MODELS`): the e5 model and its ONNX and static exports, made once.

    A folder per test home would hold ≈1.1 GB for every test that uses the real model, and filled a CI disk.
    """
    return tmp_path_factory.mktemp("models")


@pytest.fixture(autouse=True)
def _offline_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, models_dir: Path) -> None:
    """Every test gets its own REPORTQA_HOME, the run's models folder and no hub access (a download fails loudly)."""
    monkeypatch.setenv("REPORTQA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("REPORTQA_MODELS", str(models_dir))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture
def reports_dir() -> Path:
    return REPORTS


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """A failing test that ran against an app server shows the server's log: a browser's view alone hides tracebacks."""
    outcome = yield
    report = outcome.get_result()
    server: Any = getattr(item, "funcargs", {}).get("server")
    if report.when == "call" and report.failed and hasattr(server, "log_tail"):
        report.sections.append(("app server log (last 3000 chars)", server.log_tail()))
