"""Scale benchmark: N generated reports, our index side by side with the plain LangChain recipe.

    python bench/bench_scale.py [--n 1000] [--fake] [--workdir DIR] [--plain-sample 50] [--json]

Reports are generated from the bundled txt reports (`generate`): each gets a new agency (a made-up place
with the source agency's kind, 人民政府 / 司法局 / …) and a year of the same template era, and every whole
figure of its tables is multiplied by one factor, with the counts of its prose (受理申请95件, 7期) — so
every 勾稽 rule holds as in the source, and the prose still agrees with the tables where it did. A sample
is parsed back and must fail no check its source did not fail. Then, in one run: first build (time,
reports/s, chunks embedded vs chunks), re-index of the unchanged corpus, adding one report, and in a fresh
process the open time, query p50/p95 (a table question, an aggregate over all reports, a text question)
and its peak RSS; and the plain recipe (RecursiveCharacterTextSplitter + embeddings + FAISS) on a sample
of the reports, extrapolated to N (said so in the output). `--fake` uses the fake embedder.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus import Report, read_report  # noqa: E402

log = logging.getLogger("bench_scale")
SOURCES = ROOT / "corpus" / "reports" / "txt"
_PLACE = re.compile(r"^(.+?(?:自治州|实验区|新区|省|市|县|区))+")
_SYLLABLES = "青云临江安平宁远长乐永和新华丰泰康裕兴隆昌盛金玉清河源泉山岭湖溪川林松柏桂兰梅竹荷嘉禾瑞祥福寿德仁义信明光"
_COUNT = re.compile(r"(?<![\d.])(\d+)(\s*)(件|条|次|场|期|篇|个|份)")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_ROW_NUMBER = re.compile(r"(?<!\S)([-+]?)(\d+)(?=(?:万元|元|%)?(?:\s|$))")


# -- generating reports ------------------------------------------------------------------------------


def _place(agency: str) -> str:
    """The place prefix of an agency name (淮安市洪泽区 of 淮安市洪泽区人民政府)."""
    found = _PLACE.match(agency)
    return found.group(0) if found else ""


def _scale_row(row: str, factor: int) -> str:
    """A printed table row with every whole number standing alone (not 2.其他…, not 9226.592) multiplied."""
    return _ROW_NUMBER.sub(lambda m: m.group(1) + str(int(m.group(2)) * factor), row)


def _prose(text: str, factor: int, year_shift: int, years: set[int]) -> str:
    """Prose with its counts multiplied and the report's years moved."""
    text = _COUNT.sub(lambda m: f"{int(m.group(1)) * factor}{m.group(2)}{m.group(3)}", text)
    return _YEAR.sub(lambda m: str(int(m.group(1)) + year_shift) if int(m.group(1)) in years else m.group(1), text)


def new_agency(source: Report, name: str) -> tuple[str, str]:
    """The agency `source`'s would be with its own place (洪泽区 of 淮安市洪泽区) named `name`: (agency, place)."""
    levels = re.findall(r".+?(?:自治州|实验区|新区|省|市|县|区)", _place(source.agency))
    place = "".join(levels[:-1]) + name + levels[-1][-1]
    return place + source.agency[len(_place(source.agency)) :], place


def derive(source: Report, name: str, year: int, factor: int) -> str:
    """The text of a new report: `source` for another place (`name`) and year, its figures times `factor`."""
    assert source.year is not None
    spans = sorted({(c.start, c.end) for c in source.cells})
    shift, years = year - source.year, {source.year - 1, source.year, source.year + 1}
    parts, at = [], 0
    for start, end in spans:
        if start < at:
            continue
        parts.append(_prose(source.text[at:start], factor, shift, years))
        parts.append(_scale_row(source.text[start:end], factor))
        at = end
    parts.append(_prose(source.text[at:], factor, shift, years))
    text = "".join(parts)
    agency, place = new_agency(source, name)
    own = re.findall(r".+?(?:自治州|实验区|新区|省|市|县|区)", _place(source.agency))[-1]
    text = text.replace(source.agency, agency).replace(_place(source.agency), place).replace(own, name + own[-1])
    return text.replace(own[:-1], name) if len(own) > 2 else text


_SOURCES: list[Report] = []


def sources() -> list[Report]:
    """The bundled txt reports with an agency, a year and tables that survive `derive` (tried once each)."""
    if _SOURCES:
        return _SOURCES
    found = [read_report(p, root=SOURCES) for p in sorted(SOURCES.glob("*.txt"))]
    with tempfile.TemporaryDirectory() as tmp:
        for source in found:
            if not (source.agency and source.year and len(source.cells) > 50 and _place(source.agency)):
                continue
            trial = Path(tmp) / "trial.txt"
            trial.write_text(derive(source, "试验", source.year, 3), encoding="utf-8")
            report = read_report(trial, root=Path(tmp))
            if _same(source, report, 3) and report.agency == new_agency(source, "试验")[0]:
                _SOURCES.append(source)
            else:
                log.info("%s: its figures cannot be varied faithfully; not used", source.id)
    return _SOURCES


def _same(source: Report, report: Report, factor: int) -> bool:
    """Every cell of `report` is the source's times `factor`, and no check fails that passed in the source."""
    expected = {(c.table, c.row, c.col): _scaled(c.value, factor) for c in source.cells}
    if {(c.table, c.row, c.col): c.value for c in report.cells} != expected:
        return False
    return not {f.rule for f in report.checks if not f.ok} - {f.rule for f in source.checks if not f.ok}


def _era(year: int) -> list[int]:
    """Years printed with the same template as `year` (2019–2020, or 2021 on)."""
    return [2019, 2020] if year <= 2020 else [2021, 2022, 2023, 2024, 2025]


def _places() -> list[str]:
    pairs = [a + b for a in _SYLLABLES for b in _SYLLABLES if a != b]
    random.Random(7).shuffle(pairs)
    return pairs


def generate(n: int, folder: Path, seed: int = 1) -> list[dict[str, Any]]:
    """Write `n` reports as txt into `folder`; returns what each one is (file, source, agency, year, factor)."""
    rng = random.Random(seed)
    base = sources()
    places = _places()
    folder.mkdir(parents=True, exist_ok=True)
    made, taken = [], set()
    for k in range(n):
        source = base[k % len(base)]
        year = _era(source.year or 2024)[(k // len(base)) % len(_era(source.year or 2024))]
        p = k // 3
        while (new_agency(source, places[p % len(places)])[0], year) in taken:
            p += 1
        agency = new_agency(source, places[p % len(places)])[0]
        taken.add((agency, year))
        factor = rng.randint(1, 9)
        name = f"{k:05d}_{year}.txt"
        (folder / name).write_text(derive(source, places[p % len(places)], year, factor), encoding="utf-8")
        made.append({"file": name, "source": source.id, "agency": agency, "year": year, "factor": factor})
    return made


def check_sample(folder: Path, made: list[dict[str, Any]], size: int = 20) -> int:
    """Parse a sample back: its agency, year and every cell as intended, and no check failing anew."""
    by_source = {r.id: r for r in sources()}
    step = max(1, len(made) // size)
    for item in made[::step][:size]:
        report = read_report(folder / item["file"], root=folder)
        source = by_source[item["source"]]
        if (report.agency, report.year) != (item["agency"], item["year"]):
            raise AssertionError(f"{item['file']}: read as {report.agency} {report.year}, written as {item}")
        expected = {(c.table, c.row, c.col): _scaled(c.value, item["factor"]) for c in source.cells}
        got = {(c.table, c.row, c.col): c.value for c in report.cells}
        if got != expected:
            diff = [k for k in expected if got.get(k) != expected[k]][:3]
            raise AssertionError(f"{item['file']}: cells differ from the source's × {item['factor']}: {diff}")
        new = {f.rule for f in report.checks if not f.ok} - {f.rule for f in source.checks if not f.ok}
        if new:
            raise AssertionError(f"{item['file']}: checks fail that pass in {source.id}: {sorted(new)}")
    return len(made[::step][:size])


def _scaled(value: float | int | None, factor: int) -> float | int | None:
    return value * factor if isinstance(value, int) else value


# -- measuring ---------------------------------------------------------------------------------------


class Counting:
    """Wraps an `Embeddings`, counting the texts embedded."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.texts = inner, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed (and count) documents."""
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        """Embed a query (not counted)."""
        return self.inner.embed_query(text)


def embeddings(fake: bool) -> Any:
    """The fake embedder, or what `make_embeddings` gives (the configured model)."""
    from corpus import Settings
    from index import FakeEmbeddings, make_embeddings

    return FakeEmbeddings() if fake else make_embeddings(Settings.from_env())


def peak_rss_mib() -> float:
    """The peak resident memory of the current process since it started (exec'd), in MiB.

    Linux's `ru_maxrss` keeps the parent's high-water mark across fork and exec, so a serving process started
    by the benchmark would report the builder's peak; the kernel's VmHWM belongs to this process's own memory.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else 2**20)


def _du(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def build_ours(corpus: Path, home: Path, fake: bool, extra: Path) -> dict[str, Any]:
    """First build, re-index of the unchanged corpus, then adding one report."""
    from langchain_core.embeddings import Embeddings

    from index import CorpusIndex
    from index.corpus_index import index_dir
    from index.embeddings import TieredEmbeddings, passage_embeddings

    inner = embeddings(fake)
    counting = Counting(passage_embeddings(inner))  # the chunks' model (static with a tiered backend), counted
    emb: Embeddings = (
        TieredEmbeddings(counting, inner.questions) if isinstance(inner, TieredEmbeddings) else counting  # type: ignore[arg-type,assignment]
    )
    started = time.perf_counter()
    index = CorpusIndex.load(corpus, emb, home, progress=False)
    first = index.update()
    build_s = time.perf_counter() - started
    chars = sum(len(p.read_text(encoding="utf-8")) for p in corpus.glob("*.txt"))
    embedded = counting.texts
    index.close()
    started = time.perf_counter()
    again = CorpusIndex.load(corpus, emb, home, progress=False)
    unchanged = again.update()
    reindex_s = time.perf_counter() - started
    shutil.copy(extra, corpus / extra.name)
    started = time.perf_counter()
    added = again.update()
    add_s = time.perf_counter() - started
    again.close()
    bm25_docs = len(again.bm25.index)
    return {
        "reports": first.reports, "chars": chars, "build_s": build_s, "reports_per_s": first.reports / build_s,
        "chunks": first.chunks + bm25_docs, "text_chunks": first.chunks, "embedded": embedded,
        "reindex_s": reindex_s, "reindex_unchanged": unchanged.unchanged, "add_one_s": add_s, "add_one": added.added,
        "disk_bytes": _du(index_dir(corpus, home)),
    }  # fmt: skip


def build_plain(corpus: Path, fake: bool, sample: int, n: int) -> dict[str, Any]:
    """The plain recipe on a sample of the reports: parse, split, embed, FAISS; extrapolated to n."""
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from index import FaissStore

    files = sorted(corpus.glob("*.txt"))[:sample]
    emb = embeddings(fake)
    started = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
    docs = []
    for path in files:
        report = read_report(path, root=corpus)
        docs += [Document(page_content=t, metadata={"report_id": report.id}) for t in splitter.split_text(report.text)]
    FaissStore(emb).add_documents(docs)
    seconds = time.perf_counter() - started
    return {"sample": len(files), "sample_s": seconds, "chunks_sample": len(docs),
            "build_s": seconds * n / max(len(files), 1), "extrapolated": len(files) < n}  # fmt: skip


_SERVE = """
import json, resource, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from bench.bench_scale import embeddings, peak_rss_mib
from index import CorpusIndex
from qa import Assistant
corpus, home, fake, questions = Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] == "1", json.loads(sys.argv[5])
emb = embeddings(fake)
emb.embed_query("预热")  # the model's own load time is not the index's
t = time.perf_counter()
assistant = Assistant(CorpusIndex.load(corpus, emb, home, progress=False))
out = {"open_s": time.perf_counter() - t, "routes": {}}
for kind, qs in questions.items():
    times, routes = [], []
    for q in qs:
        s = time.perf_counter(); answer = assistant.ask(q); times.append((time.perf_counter() - s) * 1000)
        routes.append(answer.route if not answer.abstained else "abstained")
    times.sort()
    out[kind] = {"p50_ms": statistics.median(times), "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))]}
    out["routes"][kind] = {r: routes.count(r) for r in set(routes)}
out["peak_rss_mib"] = peak_rss_mib()
print(json.dumps(out))
"""


def questions(made: list[dict[str, Any]], count: int = 30) -> dict[str, list[str]]:
    """Table, aggregate (over all reports) and text questions about the generated reports."""
    rng = random.Random(3)
    picks = [made[rng.randrange(len(made))] for _ in range(count)]
    return {
        "table": [f"{m['agency']}{m['year']}年收到多少件政府信息公开申请？" for m in picks],
        "aggregate": [f"{y}年申请量前三的机关是哪些？" for y in sorted({m["year"] for m in made})] * 3
        + ["所有报告一共收到多少件申请？"] * 5,
        "text": [f"{m['agency']}{m['year']}年是怎么做好政策解读的？" for m in picks],
    }


def serve(corpus: Path, home: Path, fake: bool, made: list[dict[str, Any]]) -> dict[str, Any]:
    """Open time, query latencies and peak RSS of a fresh serving process."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    args = [sys.executable, "-c", _SERVE, str(ROOT), str(corpus), str(home), "1" if fake else "0",
            json.dumps(questions(made), ensure_ascii=False)]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the serving process failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run(n: int, fake: bool, workdir: Path, plain_sample: int) -> dict[str, Any]:
    """Generate, check, build, serve; everything the tables show."""
    corpus, home, spare = workdir / "corpus", workdir / "home", workdir / "spare"
    for folder in (corpus, home, spare):
        shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    made = generate(n + 1, spare)
    corpus.mkdir(parents=True)
    for item in made[:n]:
        os.replace(spare / item["file"], corpus / item["file"])
    generated_s = time.perf_counter() - started
    checked = check_sample(corpus, made[:n])
    ours = build_ours(corpus, home, fake, spare / made[n]["file"])
    ours["peak_rss_mib"] = peak_rss_mib()  # the build's (this process before the plain recipe runs)
    plain = build_plain(corpus, fake, min(plain_sample, n), n)
    served = serve(corpus, home, fake, made[:n])
    return {"n": n, "fake": fake, "generated_s": generated_s, "checked": checked, "ours": ours, "plain": plain,
            "serve": served, "rss_self_mib": peak_rss_mib()}  # fmt: skip


def table(result: dict[str, Any]) -> str:
    """The results as a Markdown table, ours beside the plain recipe."""
    o, p, s = result["ours"], result["plain"], result["serve"]
    plain_note = f"{p['build_s']:.0f} s (measured on {p['sample']} reports, × {result['n'] / p['sample']:.0f})" if p[
        "extrapolated"] else f"{p['build_s']:.1f} s"  # fmt: skip
    rows = [
        ("reports (characters)", f"{o['reports']} ({o['chars']:,})", ""),
        ("first build", f"{o['build_s']:.1f} s ({o['reports_per_s']:.1f} reports/s)", plain_note),
        ("chunks embedded / chunks", f"{o['embedded']:,} / {o['chunks']:,} (text {o['text_chunks']:,})",
         f"{p['chunks_sample']:,} in the sample"),
        ("re-index, unchanged corpus", f"{o['reindex_s']:.2f} s", "rebuilds: same as first build"),
        ("add one report", f"{o['add_one_s']:.2f} s", "rebuilds: same as first build"),
        ("open (fresh process)", f"{s['open_s']:.2f} s", ""),
        ("table question p50 / p95", f"{s['table']['p50_ms']:.0f} / {s['table']['p95_ms']:.0f} ms", ""),
        ("aggregate (all reports) p50 / p95", f"{s['aggregate']['p50_ms']:.0f} / {s['aggregate']['p95_ms']:.0f} ms", ""),
        ("text question p50 / p95", f"{s['text']['p50_ms']:.0f} / {s['text']['p95_ms']:.0f} ms", ""),
        ("peak RSS serving (open + queries)", f"{s['peak_rss_mib']:.0f} MiB", ""),
        ("peak RSS building (first build, re-index, add one)", f"{o['peak_rss_mib']:.0f} MiB",
         f"{result['rss_self_mib']:.0f} MiB (the same process after it)"),
        ("index on disk", f"{o['disk_bytes'] / 2**20:.0f} MiB", ""),
    ]  # fmt: skip
    lines = [f"N = {result['n']}, {'fake embedder' if result['fake'] else 'real model'}; "
             f"{result['checked']} generated reports parsed back, no new failed check",
             "", "| | reportqa index | plain LangChain recipe |", "|---|---|---|"]  # fmt: skip
    routes = "; ".join(f"{kind}: {counts}" for kind, counts in s["routes"].items())
    return "\n".join(lines + [f"| {a} | {b} | {c} |" for a, b, c in rows] + ["", f"routes taken: {routes}"])


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, print the table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="reports to generate (default 1000)")
    parser.add_argument("--fake", action="store_true", help="the fake embedder instead of the configured model")
    parser.add_argument("--workdir", type=Path, default=None, help="where to put the corpus and the index")
    parser.add_argument("--plain-sample", type=int, default=100, help="reports the plain recipe is timed on")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error(f"--n must be at least 1, got {args.n}")
    logging.basicConfig(level=logging.WARNING)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_scale_"))
    result = run(args.n, args.fake, workdir, args.plain_sample)
    sys.stdout.write((json.dumps(result, ensure_ascii=False) if args.json else table(result)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
