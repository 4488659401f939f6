"""Load test: many users asking gold questions over REST while another user uploads reports.

    HF_HUB_OFFLINE=1 PYTHONPATH=. .venv/bin/python bench/bench_load.py                 # 50 users x 60 s, real model
    HF_HUB_OFFLINE=1 PYTHONPATH=. .venv/bin/python bench/bench_load.py --fake --users 10 --seconds 10

The server (`python app.py`) starts on 127.0.0.1 on a free port over the corpus (default: the bundled one).
Before the load, every question is answered by the Python API in this process over the same corpus
(`Assistant.ask(q).to_dict()`, the object `reportqa ask --json` prints); under load every REST answer must
equal it, timings aside (differences only in the order of a chart's tied values are counted apart, as
`tie_order_only`: ties used to come in any order; the query layer now orders them by year, agency, report). Meanwhile one more user uploads a report again and again (a copy made unique
by a trailing line, so each is really parsed and indexed) and asks about it. Prints p50/p95 latency,
throughput and the counts, writes bench/results/load.json, and exits 1 if any answer differed or failed.

With `--churn` the same load runs twice on the same server, side by side: once plain, once while an admin
publishes and deletes a report again and again (a synthetic 负载测试县 2031 report: upload, publish, ask, delete,
ask). While it is published every user's answers may change (an unscoped question lists it), so an answer is
right when it equals the Python API's over either state — the corpus alone, or the corpus with the report
published (a `Workspaces` in this process doing the same publish). The summary holds both runs and the ratio
of their p95 latencies.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "load.json"
UPLOAD = ROOT / "corpus" / "reports" / "txt" / "011_huaian_city_gov_2024.txt"
UPLOAD_QUESTION = ("淮安市2024年因属于行政查询事项不予公开的有几件？", 105)
START_TIMEOUT = 600.0
log = logging.getLogger("bench_load")


def gold_questions(limit: int | None = None) -> list[str]:
    """The gold set's single questions (no conversation history), each once, in file order."""
    from eval.gold import gold_files, load_gold

    # the blind sets are kept aside (run once before a change and once after), not replayed as load
    files = [f for f in gold_files(None) if not f.name.startswith("blind_")]
    seen = dict.fromkeys(item.question for f in files for item in load_gold(f) if not item.history)
    return list(seen)[:limit] if limit else list(seen)


def untimed(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer without its timings (the one part that differs between two askings)."""
    return {k: v for k, v in answer.items() if k != "timings_ms"}


def _chart_sorted(answer: dict[str, Any]) -> dict[str, Any]:
    chart = answer.get("chart")
    if not chart:
        return answer
    return {**answer, "chart": sorted(chart, key=lambda p: (str(p.get("value")), str(p.get("label"))))}


CHURN_NAME = "load-churn-2031.txt"
CHURN_QUESTION = ("负载测试县2031年因属于行政查询事项不予公开的有几件？", 105)
CHURN_GONE = "无法回答：语料中没有"  # 「…任何机关2031年的报告」: the year is gone with it


def churn_text() -> str:
    """A report no gold question names: 淮安市 2024's, as 负载测试县 2031 (figures unchanged)."""
    return UPLOAD.read_text(encoding="utf-8").replace("淮安市", "负载测试县").replace("2024", "2031")


def compare_either(got: dict[str, Any], wants: list[dict[str, Any]]) -> str:
    """The best verdict of `compare` against each acceptable answer."""
    verdicts = [compare(got, want) for want in wants]
    return "same" if "same" in verdicts else "ties" if "ties" in verdicts else "wrong"


def expected_published(corpus: Path, home: Path, fake: bool, questions: list[str]) -> dict[str, dict[str, Any]]:
    """Each question's answer while the churn report is published: a `Workspaces` here publishes it as the server does."""
    from corpus import Settings
    from index import FakeEmbeddings
    from qa.auth import Principal
    from qa.workspace import Workspaces

    settings = Settings.from_env()
    settings = Settings(home=home, corpus=corpus, embedding_model=settings.embedding_model, models_dir=settings.models)
    spaces = Workspaces.open(corpus, settings, FakeEmbeddings() if fake else None)
    admin = Principal("c-churn", "churn", admin=True)
    with tempfile.TemporaryDirectory(prefix="reportqa-churn-") as tmp:
        staged = Path(tmp) / CHURN_NAME
        staged.write_text(churn_text(), encoding="utf-8")
        spaces.add_upload(admin, staged, CHURN_NAME)
    spaces.publish(admin, CHURN_NAME)
    return {q: untimed(spaces.shared.ask(q).to_dict()) for q in questions}


def compare(got: dict[str, Any], want: dict[str, Any]) -> str:
    """`same`, `ties` (only the order of a chart's equal values differs), or `wrong`.

    The query layer orders ties by year, agency and report; a differing order is still told apart from a wrong answer.
    """
    got, want = untimed(got), untimed(want)
    if got == want:
        return "same"
    return "ties" if _chart_sorted(got) == _chart_sorted(want) else "wrong"


def expected_answers(corpus: Path, home: Path, fake: bool, questions: list[str]) -> dict[str, dict[str, Any]]:
    """What `reportqa ask --json` answers each question over the corpus (the Python API, in this process)."""
    from corpus import Settings
    from index import FakeEmbeddings
    from qa import Assistant

    settings = Settings.from_env()
    settings = Settings(home=home, corpus=corpus, embedding_model=settings.embedding_model, models_dir=settings.models)
    assistant = Assistant.from_corpus(corpus, settings=settings, embeddings=FakeEmbeddings() if fake else None)
    expected = {q: untimed(assistant.ask(q).to_dict()) for q in questions}
    assistant.index.close()
    return expected


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(corpus: Path, home: Path, fake: bool, log_path: Path, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """`python app.py` on a free port; returns the process and its URL once it answers."""
    import httpx

    port = free_port()
    environ = {**os.environ, "REPORTQA_CORPUS": str(corpus), "REPORTQA_HOME": str(home), "GRADIO_SERVER_PORT": str(port),
               "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
               "HF_HUB_DISABLE_TELEMETRY": "1", "PYTHONPATH": str(ROOT), **(env or {})}  # fmt: skip
    environ.pop("REPORTQA_AUTH", None)
    if fake:
        environ["REPORTQA_FAKE_EMBEDDINGS"] = "1"
    with open(log_path, "wb") as out:
        process = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=environ, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}: see {log_path}")
        try:
            if httpx.get(url + "/api/openapi.json", timeout=5).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    process.terminate()
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT:.0f} s: see {log_path}")


@dataclass
class Tally:
    """What the users saw: latencies of the answers, and the questions answered wrongly or not at all."""

    latencies: list[float] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    ties: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    uploads: list[float] = field(default_factory=list)
    upload_failures: list[str] = field(default_factory=list)
    churns: list[float] = field(default_factory=list)
    churn_failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _user(url: str, n: int, questions: list[str], expected: dict[str, list[dict[str, Any]]], deadline: float, tally: Tally) -> None:
    """One user: ask the questions in turn (each user from another start) until the deadline."""
    import httpx

    with httpx.Client(base_url=url, timeout=120, headers={"X-ReportQA-Client": f"user-{n}"}) as http:
        i = n * 7
        while time.monotonic() < deadline:
            question = questions[i % len(questions)]
            i += 1
            started = time.perf_counter()
            try:
                response = http.post("/api/ask", json={"question": question})
                took = time.perf_counter() - started
                verdict = compare_either(response.json(), expected[question]) if response.status_code == 200 else "failed"
            except httpx.HTTPError as exc:
                with tally.lock:
                    tally.failed.append(f"{question}: {exc}")
                continue
            with tally.lock:
                tally.latencies.append(took)
                if response.status_code != 200:
                    tally.failed.append(f"{question}: HTTP {response.status_code} {response.text[:200]}")
                elif verdict == "wrong":
                    tally.wrong.append(question)
                elif verdict == "ties":
                    tally.ties.append(question)


def _uploader(url: str, deadline: float, tally: Tally, folder: Path) -> None:
    """Upload a fresh copy of a report, ask about it, repeat until the deadline."""
    import httpx

    question, value = UPLOAD_QUESTION
    text = UPLOAD.read_text(encoding="utf-8")
    run = f"{time.time_ns():x}"  # a --home kept between runs holds the last run's copies
    with httpx.Client(base_url=url, timeout=600, headers={"X-ReportQA-Client": f"uploader-{run}"}) as http:
        n = 0
        while time.monotonic() < deadline:
            n += 1
            copy = folder / f"upload-{n}.txt"
            copy.write_text(f"{text}\n（副本 {run}-{n}）\n", encoding="utf-8")  # another content hash: parsed again
            started = time.perf_counter()
            with open(copy, "rb") as handle:
                response = http.post("/api/reports", files={"file": (copy.name, handle, "text/plain")})
            took = time.perf_counter() - started
            answer = http.post("/api/ask", json={"question": question}).json()
            with tally.lock:
                if response.status_code != 201 or answer.get("value") != value:
                    tally.upload_failures.append(f"{copy.name}: HTTP {response.status_code} {response.text[:200]}")
                else:
                    tally.uploads.append(took)


def _churner(url: str, deadline: float, tally: Tally, folder: Path) -> None:
    """Upload, publish, ask, delete, ask: the corpus everyone is answered from changes under the load."""
    import httpx

    question, value = CHURN_QUESTION
    staged = folder / CHURN_NAME
    staged.write_text(churn_text(), encoding="utf-8")
    with httpx.Client(base_url=url, timeout=600, headers={"X-ReportQA-Client": "churn"}) as http:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            with open(staged, "rb") as handle:
                added = http.post("/api/reports", files={"file": (CHURN_NAME, handle, "text/plain")})
            published = http.post(f"/api/reports/{CHURN_NAME}/publish")
            there = http.post("/api/ask", json={"question": question}).json()
            deleted = http.delete(f"/api/reports/{CHURN_NAME}")
            gone = http.post("/api/ask", json={"question": question}).json()
            took = time.perf_counter() - started
            ok = (added.status_code, published.status_code, deleted.status_code) == (201, 200, 200)
            with tally.lock:
                if ok and there.get("value") == value and str(gone.get("answer", "")).startswith(CHURN_GONE):
                    tally.churns.append(took)
                else:
                    tally.churn_failures.append(
                        f"HTTP {added.status_code}/{published.status_code}/{deleted.status_code}; "
                        f"published: {there.get('answer')!r}; deleted: {gone.get('answer')!r}"
                    )


def warm(url: str, questions: list[str]) -> None:
    """Ask a few questions once, unmeasured: first use loads jieba's dictionary and the semantic matcher."""
    import httpx

    with httpx.Client(base_url=url, timeout=600) as http:
        for question in questions:
            http.post("/api/ask", json={"question": question})


def run_load(url: str, questions: list[str], expected: dict[str, Any], users: int, seconds: float,
             churn: bool = False) -> dict[str, Any]:  # fmt: skip
    """`users` threads asking for `seconds` while one more uploads (and with `churn` one publishes and deletes).

    `expected` maps each question to its answer, or to the list of answers that are right (one per corpus state).
    """
    tally = Tally()
    deadline = time.monotonic() + seconds
    wants = {q: a if isinstance(a, list) else [a] for q, a in expected.items()}
    with tempfile.TemporaryDirectory(prefix="reportqa-load-") as tmp:
        threads = [threading.Thread(target=_user, args=(url, n, questions, wants, deadline, tally)) for n in range(users)]
        threads.append(threading.Thread(target=_uploader, args=(url, deadline, tally, Path(tmp))))
        if churn:
            threads.append(threading.Thread(target=_churner, args=(url, deadline, tally, Path(tmp))))
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    ms = sorted(1000 * t for t in tally.latencies)
    quantiles = statistics.quantiles(ms, n=100) if len(ms) >= 2 else ms * 99

    return {
        "users": users, "seconds": round(elapsed, 1), "questions": len(questions), "answers": len(ms),
        "wrong": len(tally.wrong), "tie_order_only": len(tally.ties), "failed": len(tally.failed), "throughput_per_s": round(len(ms) / elapsed, 1),
        "p50_ms": round(statistics.median(ms), 1) if ms else None, "p95_ms": round(quantiles[94], 1) if ms else None,
        "max_ms": round(ms[-1], 1) if ms else None, "uploads": len(tally.uploads),
        "upload_failures": len(tally.upload_failures),
        "upload_p50_s": round(statistics.median(tally.uploads), 2) if tally.uploads else None,
        "churns": len(tally.churns), "churn_failures": len(tally.churn_failures),
        "examples": {"wrong": tally.wrong[:5], "tie_order_only": sorted(set(tally.ties))[:5], "failed": tally.failed[:5],
                     "upload_failures": tally.upload_failures[:5], "churn_failures": tally.churn_failures[:5]},
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the load test and print (and save) its summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--fake", action="store_true", help="fake embeddings (fast start; for tests)")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "reports")
    parser.add_argument("--home", type=Path, help="REPORTQA_HOME for both (default: a temporary one, with your models folder)")
    parser.add_argument("--questions", type=int, default=None, help="use only the first N gold questions")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--warmup", type=int, default=20, help="questions asked once, unmeasured, before the load")
    parser.add_argument("--churn", action="store_true", help="then the same load while a report is published and deleted")
    args = parser.parse_args(argv)
    from corpus import Settings

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="reportqa-bench-") as tmp:
        home = args.home or Path(tmp) / "home"
        os.environ["REPORTQA_MODELS"] = str(Settings.from_env().models)  # your built model, not your indexes or uploads
        questions = gold_questions(args.questions)
        log.info("answering %d gold questions with the Python API first …", len(questions))
        expected: dict[str, Any] = expected_answers(args.corpus, home, args.fake, questions)
        if args.churn:
            published = expected_published(args.corpus, Path(tmp) / "churn-home", args.fake, questions)
            expected = {q: [expected[q], published[q]] for q in questions}
        process, url = start_server(args.corpus, home, args.fake, Path(tmp) / "server.log")
        try:
            warm(url, questions[: args.warmup])
            log.info("server at %s; %d users for %.0f s, one more uploading", url, args.users, args.seconds)
            summary = run_load(url, questions, expected, args.users, args.seconds)
            if args.churn:
                log.info("again, while a report is published and deleted")
                churned = run_load(url, questions, expected, args.users, args.seconds, churn=True)
                ratio = churned["p95_ms"] / summary["p95_ms"] if summary["p95_ms"] and churned["p95_ms"] else None
                summary = {"plain": summary, "churn": churned, "p95_ratio": round(ratio, 2) if ratio else None}
        finally:
            process.terminate()
            process.wait(timeout=30)
    summary["model"] = "fake" if args.fake else "multilingual-e5-small"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    log.info(json.dumps(summary, ensure_ascii=False, indent=1))
    runs = [summary["plain"], summary["churn"]] if "churn" in summary else [summary]
    bad = any(r["wrong"] or r["failed"] or r["upload_failures"] or r["churn_failures"] or not r["answers"] for r in runs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
