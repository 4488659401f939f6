"""The evaluation harness: scoring rules, the JSON shape, and a floor on a slice of the gold set."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli import main
from corpus import ReportQAError, Settings
from eval import GoldItem, is_correct, load_gold, run_eval
from eval.baselines import score_baseline
from eval.gold import select_kinds
from eval.report import format_table
from eval.scoring import cites_figure, numbers_in, outcome, percents_in
from index import FakeEmbeddings
from qa import Assistant

ROOT = Path(__file__).resolve().parent.parent
SEED = "txt/000_shanghai_justice_bureau_2020.txt"


def _answer(text: str, value: float | None = None, abstained: bool = False) -> dict:
    return {"answer": text, "value": value, "abstained": abstained, "citations": [], "route": "text"}


def test_value_items_match_the_value_or_a_number_in_the_text_with_wan_multiplied():
    item = GoldItem("x", "q", "prose-number", value=204000)
    assert is_correct(item, _answer("达 20.4 万"))
    assert is_correct(item, _answer("…", value=204000))
    assert not is_correct(item, _answer("达 20.5 万"))
    assert numbers_in("98.69%") == [98.69, 98.69]


def test_text_items_match_by_containment_ignoring_whitespace():
    assert is_correct(GoldItem("x", "q", "prose", text="小木桥路470号"), _answer("地址:小木桥路 470 号"))
    assert is_correct(GoldItem("x", "q", "prose", text_any=("甲", "乙")), _answer("只有乙"))


def test_abstain_items_count_only_abstentions_and_abstaining_elsewhere_is_wrong():
    assert is_correct(GoldItem("x", "q", "unanswerable", abstain=True), _answer("无法回答", abstained=True))
    assert not is_correct(GoldItem("x", "q", "unanswerable", abstain=True), _answer("5件", value=5))
    assert not is_correct(GoldItem("x", "q", "table", value=5), _answer("5件", value=5, abstained=True))


def test_citation_precision_needs_the_figure_in_a_quote():
    good = {**_answer("5件", 5), "citations": [{"quote": "四、结转下年度继续办理 5 0 0 0 0 0 5"}]}
    bad = {**_answer("5件", 5), "citations": [{"quote": "四、结转下年度继续办理 0 0"}]}
    assert cites_figure(good) is True and cites_figure(bad) is False


def test_shipped_gold_set_is_large_and_covers_every_type():
    items = load_gold()
    assert len(items) >= 120 and len({i.id for i in items}) == len(items)
    assert {i.type for i in items if i.type} == {"table", "prose-number", "prose", "compare", "unanswerable"}


@pytest.fixture(scope="module")
def seed_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "txt").mkdir()
    shutil.copy(ROOT / "corpus" / "reports" / SEED, corpus / SEED)
    return Assistant.from_corpus(corpus, settings=Settings(home=tmp_path_factory.mktemp("home"), corpus=corpus), embeddings=FakeEmbeddings(), progress=False)


def test_eval_json_has_the_metrics_at_the_top_level(seed_assistant):
    items = [i for i in load_gold() if i.reports == (SEED,)][:30]
    result = run_eval(seed_assistant, items, k=5, progress=False).to_dict()
    assert {"accuracy", "citation_precision", "recall_at_k", "latency_ms", "by_type", "baselines", "items"} <= set(result)
    assert set(result["latency_ms"]) == {"p50", "p95"}
    assert set(result["baselines"]) == {"plain LangChain recipe", "BM25 alone"}
    assert {"id", "correct", "answer"} <= set(result["items"][0])


def test_seed_table_questions_are_all_right(seed_assistant):
    items = [i for i in load_gold() if i.reports == (SEED,) and i.type == "table"]
    result = run_eval(seed_assistant, items, baselines=False, progress=False).to_dict()
    wrong = [i["id"] for i in result["items"] if not i["correct"]]
    assert not wrong and len(items) >= 40


def test_eval_cli_on_a_gold_file_prints_json(tmp_path, capsys, monkeypatch):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"id": "a", "question": "有多少件申请没有答复？", "value": 5, "type": "table", "reports": [SEED]}, ensure_ascii=False)
        + "\n"
        + json.dumps({"id": "b", "question": "北京市司法局2020年收到多少件申请？", "abstain": True, "type": "unanswerable"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    corpus = tmp_path / "corpus" / "txt"
    corpus.mkdir(parents=True)
    shutil.copy(ROOT / "corpus" / "reports" / SEED, corpus / Path(SEED).name)
    monkeypatch.setattr("index.make_embeddings", lambda settings: FakeEmbeddings())
    assert main(["eval", "--gold", str(gold), "--corpus", str(tmp_path / "corpus"), "--json", "--no-baselines"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["accuracy"] == 1.0 and [i["id"] for i in data["items"]] == ["a", "b"]


@pytest.mark.e2e
def test_real_model_slice_meets_the_floor(tmp_path_factory, models_dir):
    """CI's slice of the gold set with the real embedding model: every seed item, floor 90%."""
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "txt").mkdir()
    shutil.copy(ROOT / "corpus" / "reports" / SEED, corpus / SEED)
    settings = Settings(home=tmp_path_factory.mktemp("home"), corpus=corpus, models_dir=models_dir)
    assistant = Assistant.from_corpus(corpus, settings=settings, progress=False)
    items = [i for i in load_gold() if i.reports == (SEED,)]
    result = run_eval(assistant, items, k=5, progress=False).to_dict()
    assert result["accuracy"] >= 0.90, [i["id"] for i in result["items"] if not i["correct"]]
    assert result["by_type"]["table"]["accuracy"] == 1.0
    assert result["recall_at_k"] >= 0.9


# -- gold format v2: the new expectations, outcomes, conversations, kinds


def _gold_file(path: Path, *items: dict) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return path


def test_pct_matches_within_a_tenth_of_a_point_edges_included():
    item = GoldItem("x", "q", kind="derived", pct=44.66)
    assert is_correct(item, {**_answer("44.76%"), "value": 44.76, "unit": "%"})
    assert is_correct(item, {**_answer("44.56%"), "value": 44.56, "unit": "%"})
    assert not is_correct(item, {**_answer("…"), "value": 44.77, "unit": "%"})
    assert not is_correct(item, {**_answer("…"), "value": 44.55, "unit": "%"})
    assert not is_correct(item, {**_answer("…"), "value": 44.66, "unit": "件"})  # the value counts only as a percent


def test_pct_reads_percent_figures_and_baifenzhi_in_the_text():
    item = GoldItem("x", "q", kind="derived", pct=44.66)
    assert is_correct(item, _answer("公开率为 44.7 %"))
    assert is_correct(item, _answer("公开率为44.76％"))
    assert is_correct(item, _answer("约占百分之44.6"))
    assert not is_correct(item, _answer("公开率为44.77%"))
    assert not is_correct(item, _answer("予以公开1362件，共3050件，44.66"))  # a number without % is not a percent
    assert percents_in("甲 12.5%，乙 百分之 3") == [12.5, 3.0]


def test_value_with_tol_is_an_absolute_tolerance_edge_included():
    item = GoldItem("x", "q", kind="aggregate", value=91.57, tol=0.01)
    assert is_correct(item, _answer("…", value=91.5714))
    assert is_correct(item, _answer("平均每年 91.58 件"))
    assert is_correct(item, _answer("…", value=91.56))
    assert not is_correct(item, _answer("平均每年 91.59 件"))
    assert not is_correct(GoldItem("x", "q", value=91.57), _answer("…", value=91.5714))  # no tol: exact


def test_order_needs_every_string_in_this_order_after_squash():
    item = GoldItem("x", "q", kind="aggregate", order=("淮安市人民政府", "平潭", "洪泽"))
    assert is_correct(item, _answer("淮安市 人民政府 3119 > 平潭 218 > 洪泽区 95"))
    assert not is_correct(item, _answer("平潭 218 > 淮安市人民政府 3119 > 洪泽区 95"))
    assert not is_correct(item, _answer("淮安市人民政府 3119 > 平潭 218"))
    assert not is_correct(GoldItem("x", "q", order=("2019", "2019")), _answer("2019年"))  # each after the one before


def test_text_all_needs_every_string():
    item = GoldItem("x", "q", kind="audit", text_all=("申请", "复议"))
    assert is_correct(item, _answer("申请表与复议 表不一致"))
    assert not is_correct(item, _answer("申请表有误"))


def test_clarify_is_right_only_with_a_non_empty_clarify_list():
    item = GoldItem("x", "q", kind="clarify", clarify=True)
    assert is_correct(item, {**_answer("您指的是哪一个？"), "clarify": ["新收", "结转"]})
    assert is_correct(item, {**_answer("您指的是哪一个？", abstained=True), "clarify": ["新收"]})
    assert not is_correct(item, {**_answer("您指的是哪一个？"), "clarify": []})
    assert outcome(item, _answer("5件", value=5)) == "wrong"
    assert outcome(item, _answer("无法回答", abstained=True)) == "abstained"


def test_outcomes_are_right_wrong_or_abstained():
    value = GoldItem("x", "q", "table", value=5)
    unanswerable = GoldItem("x", "q", "unanswerable", abstain=True)
    assert outcome(value, _answer("5件", value=5)) == "right"
    assert outcome(value, _answer("6件", value=6)) == "wrong"
    assert outcome(value, _answer("无法回答", abstained=True)) == "abstained"
    assert outcome(unanswerable, _answer("无法回答", abstained=True)) == "right"
    assert outcome(unanswerable, _answer("5件", value=5)) == "wrong"  # answering an unanswerable item is wrong
    assert outcome(GoldItem("x", "q", text="小木桥路"), _answer("局办公室")) == "wrong"


def test_kind_is_given_or_the_type_or_inferred_from_the_expectation():
    assert GoldItem("x", "q", "prose", text="甲", kind="wording").kind == "wording"
    assert GoldItem("x", "q", "prose", text="甲").kind == "prose"
    assert GoldItem("x", "q", abstain=True).kind == "unanswerable"
    assert GoldItem("x", "q", value=5).kind == "table" and GoldItem("x", "q", pct=5.0).kind == "table"
    assert GoldItem("x", "q", text_all=("甲",)).kind == "text" and GoldItem("x", "q", order=("甲",)).kind == "text"
    assert GoldItem("x", "q", clarify=True).kind == "clarify"


def test_gold_v2_fields_load(tmp_path):
    gold = _gold_file(
        tmp_path / "g.jsonl",
        {"id": "a", "question": "q1", "kind": "aggregate", "value": 91.57, "tol": 0.01},
        {"question": "q2", "pct": 44.66, "history": ["q0"], "reports": [SEED]},
        {"id": "c", "question": "q3", "order": ["甲", "乙"]},
        {"id": "d", "question": "q4", "clarify": True, "abstain": False},
        {"id": "e", "question": "q5", "value": 0, "type": "table"},
    )
    a, b, c, d, e = load_gold(gold)
    assert (a.kind, a.value, a.tol, a.expects) == ("aggregate", 91.57, 0.01, "value")
    assert (b.id, b.kind, b.pct, b.history, b.reports) == (f"{gold}:2", "table", 44.66, ("q0",), (SEED,))
    assert (c.order, c.kind, c.type) == (("甲", "乙"), "text", None)
    assert (d.expects, d.kind) == ("clarify", "clarify")
    assert (e.expects, e.kind) == ("value", "table")  # 0 is a value, not a missing one


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"id": "b", "question": "q", "evidence": "…"}, "no expectation"),
        ({"id": "b", "question": "q", "abstain": False}, "no expectation"),
        ({"id": "b", "question": "q", "value": 5, "text": "5件"}, "several expectations (value, text)"),
        ({"id": "b", "question": "q", "pct": 5, "abstain": True}, "several expectations (pct, abstain)"),
        ({"id": "b", "question": "q", "pct": 5, "tol": 0.5}, "`tol`"),
        ({"id": "b", "question": "q", "order": []}, "`order`"),
        ({"id": "b", "question": "q", "value": "5"}, "`value` must be a number"),
        ({"id": "b", "question": "q", "value": 5, "histroy": ["q0"]}, "unknown field(s) histroy"),
        ({"id": "a", "question": "q", "value": 5}, "id 'a' is already used at"),
    ],
)
def test_bad_gold_items_are_errors_naming_file_and_line(tmp_path, item, message):
    gold = _gold_file(tmp_path / "g.jsonl", {"id": "a", "question": "q", "value": 1}, item)
    with pytest.raises(ReportQAError) as err:
        load_gold(gold)
    assert str(err.value).startswith(f"{gold}:2: ") and message in str(err.value)


def test_gold_folder_loads_every_jsonl_file_in_name_order(tmp_path):
    _gold_file(tmp_path / "b.jsonl", {"id": "b1", "question": "q", "value": 1})
    _gold_file(tmp_path / "a.jsonl", {"id": "a1", "question": "q", "value": 1}, {"id": "a2", "question": "q", "abstain": True})
    (tmp_path / "notes.txt").write_text("not gold", encoding="utf-8")
    assert [i.id for i in load_gold(tmp_path)] == ["a1", "a2", "b1"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReportQAError, match="no gold files"):
        load_gold(tmp_path / "empty")
    with pytest.raises(ReportQAError, match="gold file not found"):
        load_gold(tmp_path / "missing.jsonl")


def test_select_kinds_keeps_those_kinds_and_rejects_an_unknown_one():
    items = [GoldItem("a", "q", kind="wording", value=1), GoldItem("b", "q", kind="derived", pct=1.0), GoldItem("c", "q", abstain=True)]
    assert [i.id for i in select_kinds(items, ["derived", "unanswerable"])] == ["b", "c"]
    assert select_kinds(items, None) == items
    with pytest.raises(ReportQAError, match="no gold item has kind textform; kinds in this gold set: derived, unanswerable, wording"):
        select_kinds(items, ["wording", "textform"])


@dataclass
class _FakeAnswer:
    data: dict

    def to_dict(self) -> dict:
        return self.data


class _RecordingAssistant:
    """Replies from a table of answers and records each call's question, history (answer texts) and reports."""

    def __init__(self, replies: dict[str, dict]) -> None:
        self.replies = replies
        self.calls: list[tuple[str, list[str] | None, list[str] | None]] = []

    def ask(self, question: str, history: list | None = None, reports: list[str] | None = None) -> _FakeAnswer:
        self.calls.append((question, None if history is None else [a.data["answer"] for a in history], reports))
        return _FakeAnswer(self.replies[question])

    def retrieve(self, question: str, reports: list[str] | None = None) -> list:
        return []


def _timed(text: str, ms: float, value: float | None = None, abstained: bool = False, **extra: object) -> dict:
    return {**_answer(text, value, abstained), "unit": None, "timings_ms": {"total": ms}, **extra}


def test_history_is_asked_in_order_with_the_answers_so_far_and_only_the_last_is_scored():
    assistant = _RecordingAssistant(
        {
            "洪泽区2023年收到多少件申请？": _timed("21件", 900.0, 21),
            "那2024年呢？": _timed("95件", 800.0, 95),
            "两年一共多少？": _timed("116件", 7.0, 116),
        }
    )
    item = GoldItem("c", "两年一共多少？", kind="conversation", value=116, history=("洪泽区2023年收到多少件申请？", "那2024年呢？"), reports=(SEED,))
    result = run_eval(assistant, [item], baselines=False, progress=False).to_dict()
    assert assistant.calls == [
        ("洪泽区2023年收到多少件申请？", None, [SEED]),
        ("那2024年呢？", ["21件"], [SEED]),
        ("两年一共多少？", ["21件", "95件"], [SEED]),
    ]
    row = result["items"][0]
    assert (row["kind"], row["outcome"], row["answer"]["answer"]) == ("conversation", "right", "116件")
    assert [a["answer"] for a in row["history"]] == ["21件", "95件"]
    assert result["latency_ms_by_kind"]["conversation"] == {"p50": 7.0, "p95": 7.0, "n": 1}  # the last question's own time
    assert result["by_kind"]["conversation"]["latency_ms"] == {"p50": 7.0, "p95": 7.0}


def test_eval_json_counts_outcomes_overall_and_per_kind():
    items = [
        GoldItem("a", "q-a", "table", value=5),
        GoldItem("b", "q-b", "table", value=6),
        GoldItem("c", "q-c", kind="derived", pct=44.66),
        GoldItem("d", "q-d", "unanswerable", abstain=True),
        GoldItem("e", "q-e", kind="clarify", clarify=True),
    ]
    assistant = _RecordingAssistant(
        {
            "q-a": _timed("5件", 10.0, 5),
            "q-b": _timed("无法回答", 30.0, abstained=True),
            "q-c": _timed("44.66%", 20.0, 44.66),
            "q-d": _timed("3件", 40.0, 3),
            "q-e": _timed("您指的是？", 50.0, clarify=["新收", "结转"]),
        }
    )
    result = run_eval(assistant, items, baselines=False, progress=False).to_dict()
    assert [(i["id"], i["kind"], i["outcome"]) for i in result["items"]] == [
        ("a", "table", "right"), ("b", "table", "abstained"), ("c", "derived", "right"), ("d", "unanswerable", "wrong"), ("e", "clarify", "right"),
    ]  # fmt: skip
    assert (result["accuracy"], result["right"], result["wrong"], result["abstained"]) == (
        0.6, {"count": 3, "rate": 0.6}, {"count": 1, "rate": 0.2}, {"count": 1, "rate": 0.2},
    )  # fmt: skip
    assert list(result["by_kind"]) == ["table", "unanswerable", "derived", "clarify"]
    assert result["by_kind"]["table"] == {
        "n": 2, "right": 1, "wrong": 0, "abstained": 1, "clarified": 0, "accuracy": 0.5, "wrong_rate": 0.0,
        "latency_ms": {"p50": 10.0, "p95": 30.0},
    }  # fmt: skip
    assert result["by_kind"]["unanswerable"]["wrong_rate"] == 1.0
    assert result["by_type"] == {"table": {"n": 2, "accuracy": 0.5}, "unanswerable": {"n": 1, "accuracy": 0.0}}
    assert result["abstention_accuracy"] == 0.5  # b abstained on an answerable item, d answered an unanswerable one
    assert "_expects" not in result["items"][0]
    table = format_table(result)
    assert "| kind | n | right | wrong | abstained | of which clarified | p50 ms |" in table
    assert "wrong answers (1):\n- d:" in table  # every wrong item is listed, with what was understood
    assert "| table | 2 | 50.0% | 0.0% | 50.0% | 0.0% | 10.0 |" in table
    assert "| **all** | 5 | **60.0%** | 20.0% | 20.0% | 0.0% | 30.0 |" in table
    assert table.index("| kind |") < table.index("| type |") < table.index("value accuracy")


def test_baselines_skip_items_they_cannot_check():
    class Recorder:
        name = "recorder"
        questions: list[str] = []

        def search(self, question: str, k: int, reports: list[str] | None) -> list[str]:
            self.questions.append(question)
            return ["一、本年新收政府信息公开申请数量 116 2 0 0 0 0 118"]

    items = [
        GoldItem("a", "value", "table", value=118),
        GoldItem("b", "abstain", abstain=True),
        GoldItem("c", "history", value=118, history=("q0",)),
        GoldItem("d", "clarify", clarify=True),
        GoldItem("e", "order", order=("116", "118")),
        GoldItem("f", "text_all", kind="audit", text_all=("116", "118")),
    ]
    baseline = Recorder()
    scored = score_baseline(baseline, items, k=5, progress=False)
    assert baseline.questions == ["value", "text_all"]
    assert (scored["n"], scored["accuracy_answerable"], scored["by_type"], scored["by_kind"]) == (2, 1.0, {"table": 1.0}, {"table": 1.0, "audit": 1.0})


def _seed_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus" / "txt"
    corpus.mkdir(parents=True)
    shutil.copy(ROOT / "corpus" / "reports" / SEED, corpus / Path(SEED).name)
    return tmp_path / "corpus"


def _kinds_gold(tmp_path: Path) -> Path:
    return _gold_file(
        tmp_path / "gold.jsonl",
        {"id": "a", "question": "有多少件申请没有答复？", "kind": "wording", "value": 5, "reports": [SEED]},
        {"id": "b", "question": "北京市司法局2020年收到多少件申请？", "abstain": True},
        {"id": "c", "question": "今年一共新收了多少件政府信息公开申请？", "type": "table", "value": 118, "reports": [SEED]},
    )


def test_eval_cli_kind_filter_and_by_kind_json(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("index.make_embeddings", lambda settings: FakeEmbeddings())
    argv = ["eval", "--gold", str(_kinds_gold(tmp_path)), "--corpus", str(_seed_corpus(tmp_path)), "--no-baselines"]
    assert main([*argv, "--kind", "wording", "--kind", "unanswerable", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(i["id"], i["kind"], i["outcome"]) for i in data["items"]] == [("a", "wording", "right"), ("b", "unanswerable", "right")]
    assert set(data["by_kind"]) == set(data["latency_ms_by_kind"]) == {"wording", "unanswerable"}
    assert set(data["by_kind"]["wording"]) == {"n", "right", "wrong", "abstained", "clarified", "accuracy", "wrong_rate",
                                                "latency_ms"}
    assert set(data["by_kind"]["wording"]["latency_ms"]) == {"p50", "p95"}
    assert (data["n"], data["right"], data["wrong"]["count"], data["abstained"]["count"]) == (2, {"count": 2, "rate": 1.0}, 0, 0)
    assert data["by_type"] == {}  # neither item has a type
    assert main([*argv, "--kind", "table", "--limit", "1"]) == 0
    printed = capsys.readouterr().out
    assert "| table | 1 | 100.0% | 0.0% | 0.0% |" in printed and "| type | n | reportqa |" in printed


def test_eval_cli_unknown_kind_is_a_one_line_error(tmp_path, capsys):
    assert main(["eval", "--gold", str(_kinds_gold(tmp_path)), "--kind", "derived", "--json"]) == 2
    assert "no gold item has kind derived; kinds in this gold set: table, unanswerable, wording" in capsys.readouterr().err


def test_pct_of_a_rate_change_reads_the_points_and_their_direction():
    """「低 11.06 个百分点」 answers 「下降了多少个百分点」 (11.06) and 「变化了多少」 (-11.06); a rate alone does not."""
    fell = {**_answer("2023年比2022年低 11.06 个百分点（2022年：49.33%；2023年：38.27%）"), "value": 11.06, "unit": "个百分点"}
    assert is_correct(GoldItem("x", "q", kind="rate-change", pct=11.06), fell)
    assert is_correct(GoldItem("x", "q", kind="rate-change", pct=-11.06), fell)
    assert not is_correct(GoldItem("x", "q", kind="rate-change", pct=11.5), fell)
    rose = {**_answer("2025年比2024年高 40.87 个百分点"), "value": 40.87, "unit": "个百分点"}
    assert is_correct(GoldItem("x", "q", kind="rate-change", pct=40.87), rose)
    assert not is_correct(GoldItem("x", "q", kind="rate-change", pct=-40.87), rose)


def test_a_text_item_that_is_a_number_matches_it_in_any_printing():
    """「25741666.44」 is said by 「25,741,666.44 元」; 「70540547.00」 by 「70,540,547」; another number is not."""
    item = GoldItem("x", "q", kind="two-fields", text_all=("25741666.44", "70540547.00"))
    assert is_correct(item, _answer("基本支出为 25,741,666.44 元；项目支出为 70,540,547 元"))
    assert not is_correct(item, _answer("基本支出为 25,741,666.44 元；项目支出为 70,540,548 元"))
    assert is_correct(GoldItem("x", "q", kind="field", text="邮箱ir@psbc.com"), _answer("邮箱 ir@psbc.com"))


def test_a_figure_only_in_the_quoted_sentence_is_not_the_answers_figure():
    # 普陀区财政局 2024 决算: 「完成了年初预算的多少」 answered with the 预算 level; the 98.20% is the report's, in the quote
    quote = "一般公共预算财政拨款支出年初预算为2993.92万元,支出决算为2940.05万元,完成年初预算的98.20%。"
    wrong = {**_answer(f"2993.92万元（{quote}）", value=29939200), "unit": "元", "citations": [{"quote": quote}]}
    assert not is_correct(GoldItem("x", "q", "compare", pct=98.2), wrong)
    right = {**_answer(f"98.2%（{quote}）", value=98.2), "unit": "%", "citations": [{"quote": quote}]}
    assert is_correct(GoldItem("x", "q", "compare", pct=98.2), right)
    # 1家 for 「机关运行经费预算是多少」: the 217.83 in the quote does not count
    said = "2026年上海市普陀区司法局下属1家机关和1家参公事业单位财政拨款的机关运行经费预算为217.83万元。"
    one = {**_answer(f"1家（{said}）", value=1), "unit": "家", "citations": [{"quote": said}]}
    assert not is_correct(GoldItem("x", "q", "field", value=217.83, unit="万元"), one)


def test_an_answer_that_is_its_quote_is_read_whole():
    # a fact or a descriptive answer is the printed text itself: its words are the answer's
    fact = {**_answer("平安银行2024年报告中公司的法定代表人：谢永林"), "citations": [{"quote": "公司的法定代表人 | 谢永林"}]}
    assert is_correct(GoldItem("x", "q", "field", text="谢永林"), fact)
    said = "全年全州人均生产总值35511元,比上年增长3.7%。"
    assert is_correct(GoldItem("x", "q", "field", value=35511), {**_answer(said), "citations": [{"quote": said}]})


def test_a_figure_the_prose_rounds_to_yi_is_the_same_amount():
    # 金宇生物 2020: 研发投入情况表 本期费用化研发投入 130,828,817.71; the prose: 「费用化研发投入1.31亿元」
    item = GoldItem("x", "q", "two-fields", text_all=("130,828,817.71", "76,168,422.62"))
    assert is_correct(item, _answer("费用化研发投入是多少：1.31亿元；资本化的研发投入是多少：0.76亿元"))
    assert not is_correct(item, _answer("费用化研发投入是多少：1.32亿元；资本化的研发投入是多少：0.76亿元"))
    assert not is_correct(GoldItem("x", "q", "field", text="130,828,817.71"), _answer("约1亿元"))  # too coarse


def test_a_figure_in_wan_yuan_is_the_tables_yuan_at_the_precision_it_is_printed():
    # 普陀区司法局 2026 预算: the table's 基层司法业务 21,703,947.00 元; its 编制说明 「2170.39万元」
    item = GoldItem("x", "q", "field", value=21703947.0, unit="元")
    assert is_correct(item, {**_answer("2170.39万元", value=2170.39), "unit": "万元"})
    assert not is_correct(item, {**_answer("2170.40万元", value=2170.40), "unit": "万元"})
    assert not is_correct(item, {**_answer("2170万元", value=2170), "unit": "万元"})  # too coarse to tell


def test_an_amount_in_one_scale_is_the_same_amount_printed_in_another():
    # 邮储银行 2019: the table's 不良贷款余额 42,844 (百万元); the chairman's letter 「不良贷款余额428.44亿元」
    item = GoldItem("x", "q", "field", value=428.44, unit="亿元")
    assert is_correct(item, {**_answer("42,844 百万元", value=42844), "unit": "百万元"})
    assert not is_correct(item, {**_answer("42,845 百万元", value=42845), "unit": "百万元"})
    assert not is_correct(item, {**_answer("42,844 万元", value=42844), "unit": "万元"})  # another amount
