"""`Assistant`: the one public entry, and wiring: plan -> execute (cells, or the text route's chain) -> render."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableLambda

from corpus import QuestionError, Report, Settings
from qa.answer import Answer, Scope, abstain, format_number
from qa.anyparts import from_tables
from qa.anyreport import answer_any, as_of
from qa.compose import figures_of
from qa.execute import Executor
from qa.lexicon import ALSO_READ
from qa.misspelt import misspelt_in
from qa.operations import asks_sum
from qa.plan import Plan, Planner, which_report
from qa.printed import add_printed_rate, text_differs
from qa.prior import worked_back
from qa.prose import ProseReader
from qa.query import Query, QueryScope
from qa.received import also_added, other_columns
from qa.render import declined, partial, restate
from qa.said import says_all
from qa.scope import Catalog
from qa.semantic import SemanticMatcher
from qa.summary import summarise
from qa.table_route import label, make_lookup_tool
from qa.text_route import extract_answer
from qa.tools import make_query_tool
from qa.understand import Understander
from qa.vocabulary import (
    SUMMARY_ASKED,
    SUMMARY_WEAK,
)

log = logging.getLogger(__name__)
MAX_QUESTION = 500
_COUNTS = {"个", "件", "场", "次", "条", "篇", "项", "期"}  # counts of things: 21个 and 12场 add up to 33


def _check_question(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("the question is empty: ask something like 「有多少件申请没有答复？」")
    question = question.strip()
    if len(question) > MAX_QUESTION:
        raise QuestionError(f"the question is {len(question)} characters long; keep it under {MAX_QUESTION}")
    return question


class Assistant:
    """Answers questions over a corpus of reports with exact, cited figures (or says it cannot)."""

    def __init__(self, index: Any, llm: BaseChatModel | None = None, k: int = 5) -> None:
        self.index = index
        self.llm = llm
        self.k = k
        self.catalog = Catalog(list(index.reports.values()))
        self.retriever = index.retriever(k=k)
        self.lookup_tool = make_lookup_tool(list(index.reports.values()))
        cache = Path(index.home) / "models" if getattr(index, "home", None) else None
        self.understander = Understander(SemanticMatcher(index.embeddings, cache_dir=cache))
        self.executor = Executor(index.cells)
        self.query_tool = make_query_tool(self)
        self.prose = ProseReader(self)
        self.chain: Runnable[Any, Answer | None] = RunnableLambda(self._retrieve) | RunnableLambda(self._extract)

    @classmethod
    def from_corpus(
        cls,
        directory: str | Path | None = None,
        *,
        settings: Settings | None = None,
        embeddings: Embeddings | None = None,
        llm: BaseChatModel | None = None,
        progress: bool = True,
    ) -> Assistant:
        """Build (or reuse, incrementally) the index of a corpus directory and answer over it."""
        from corpus import CorpusError
        from index import CorpusIndex, make_embeddings

        settings = settings or Settings.from_env()
        corpus_dir = Path(directory) if directory is not None else settings.corpus
        if not corpus_dir.exists():
            raise CorpusError(f"{corpus_dir}: no such corpus directory")
        embeddings = embeddings or make_embeddings(settings)
        index = CorpusIndex.open(corpus_dir, embeddings, settings.home, progress=progress, settings=settings)
        if not index.reports:
            raise CorpusError(f"{corpus_dir}: holds no readable report")
        if llm is None and settings.llm_base_url:
            from qa.llm import make_chat_model

            llm = make_chat_model(settings)
        return cls(index, llm=llm)

    def refresh(self) -> None:
        """Pick up reports added to the index (after an upload)."""
        self.catalog = Catalog(list(self.index.reports.values()))
        self.retriever = self.index.retriever(k=self.k)
        self.lookup_tool = make_lookup_tool(list(self.index.reports.values()))
        self.executor = Executor(self.index.cells)

    # -- the text route as a LangChain chain: {"question", "report_ids"} -> retriever -> extractive answer

    def _retrieve(self, inp: str | dict[str, Any]) -> dict[str, Any]:
        data = {"question": inp} if isinstance(inp, str) else dict(inp)
        ids = data.get("report_ids")
        # Agency names and years select reports; they are not what the passage must say.
        content = self.catalog.strip_names(data["question"]) or data["question"]
        # Within one or two reports every chunk is a candidate worth reading: look deeper than across the corpus.
        deep = {"k": 2 * self.k} if ids and len(ids) <= 2 else {}
        docs = self.retriever.invoke(content, filter={"report_id": list(ids)} if ids else None, **deep)
        return {**data, "content": content, "docs": docs}

    def _extract(self, data: dict[str, Any]) -> Answer | None:
        answer = extract_answer(
            data.get("content") or data["question"], data["docs"], self.index.reports, in_scope=data.get("report_ids"),
            avoid=data.get("avoid", ()), asked=data["question"],
        )
        if answer is not None:
            answer.question = data["question"]
        return answer

    def retrieve(self, question: str, reports: list[str] | None = None) -> list[Any]:
        """The passages the text route reads for a question (top k, in the question's scope)."""
        reports = self.catalog.report_ids(reports) if reports else None
        catalog = self.catalog.restricted(set(reports)) if reports else self.catalog
        resolved = catalog.resolve(question)
        restricted = resolved.agencies or resolved.years or reports
        ids = [r.id for r in resolved.reports] if restricted else None
        return list(self._retrieve({"question": question, "report_ids": ids})["docs"])

    # -- asking

    def ask(self, question: str, history: list[Answer] | None = None, reports: list[str] | None = None) -> Answer:
        """Answer one question; `history` (earlier Answers, most recent last) lets follow-ups inherit scope."""
        started = time.perf_counter()
        question = _check_question(question)
        answer = self._answer(question, list(history or []), self.catalog.report_ids(reports) if reports else None)
        if self.llm is not None and not answer.abstained:
            from qa.llm import phrase

            answer = phrase(answer, self.llm, tools=[self.lookup_tool, self.query_tool])
        answer.timings_ms["total"] = (time.perf_counter() - started) * 1000
        return answer

    def _answer(self, question: str, history: list[Answer], only: list[str] | None, retry: bool = True) -> Answer:
        plan = self.planner(only).plan(question, history, only)
        if not history and self._unscoped_figure(plan):
            answer = declined(which_report(replace(plan, reports=self._named_in(plan))))
        else:
            answer = self._carry_out(plan)
        answer.question = question
        if answer.understood is None:
            answer.understood = restate(plan)
        if answer.abstained and retry and 0 < len(plan.reports) <= 2:
            # 「粮食总产亮」: one character a homophone of what the report prints, and nowhere printed as written
            typo = misspelt_in(question, "".join(r.text for r in plan.reports))
            if typo is not None:
                again = self._answer(question.replace(*typo), history, only, retry=False)
                if not again.abstained:
                    note = f"（问题中的「{typo[0]}」按报告中的「{typo[1]}」理解）"
                    again.question, again.answer = question, again.answer + note
                    again.understood = f"{again.understood or ''}{note}"
                    return again
        return answer

    @staticmethod
    def _unscoped_figure(plan: Plan) -> bool:
        """Whether a prose figure is asked naming no agency, year or quoted name, over several reports."""
        if plan.kind != "text" or plan.years or plan.inherited or len(plan.reports) < 2 or plan.parts \
                or not re.search(r"多少|几", plan.question):
            return False
        if plan.agencies:  # 「平潭关停了几个政务新媒体」: one agency's reports of several years, none named
            return len({r.agency for r in plan.reports}) == 1 and len({r.year for r in plan.reports}) > 1
        return not re.search(r"[“”\"《》]", plan.question)

    @staticmethod
    def _named_in(plan: Plan) -> list[Report]:
        """The reports whose agency shares three characters in a row with the question (「那个实验区」), or all."""
        words = {plan.question[i : i + 3] for i in range(len(plan.question) - 2)}
        named = [r for r in plan.reports if any(w in r.agency for w in words if re.fullmatch(r"[\u4e00-\u9fff]{3}", w))]
        return named if len(named) > 1 else plan.reports

    def planner(self, only: list[str] | None = None) -> Planner:
        """The planner over the catalog (the whole corpus; `plan` restricts it to `only`)."""
        return Planner(self.catalog, self.understander)

    def _carry_out(self, plan: Plan) -> Answer:
        """Execute a Plan: cells for a table query, the text route for a text question, no figure otherwise."""
        if plan.kind in ("abstain",) or (plan.kind == "clarify" and not plan.candidates):
            return declined(plan)
        if plan.kind == "clarify":
            return self._clarify(plan)
        if plan.kind == "partial":
            return self._partial(plan)
        if plan.kind == "any" and plan.across:
            found = from_tables(plan, plan.parts, plan.combine)
            return found if found is not None else self._carry_out(plan.otherwise or replace(plan, kind="text"))
        if plan.kind == "any":
            found = answer_any(plan.question, plan.content, as_of(plan.reports[0], plan.years)) \
                if len(plan.reports) == 1 else None
            listed = re.search(r"(20\d\d)\s*年?\s*[和、与及跟]\s*(20\d\d)", plan.question)  # 「2024年和2025年」
            if found is not None and not found.abstained and listed and len({str(c.cell) for c in found.citations}) < 2:
                found = None  # 「2024年和2025年…分别多少」 answered with one year's cell: not what was asked
            if found is None and len(plan.reports) == 1 and plan.otherwise is not None and plan.otherwise.parts:
                found = from_tables(plan, plan.otherwise.parts, plan.otherwise.combine)  # each part a cell, combined
            if found is not None and not (found.abstained and plan.otherwise is not None and plan.otherwise.parts):
                return found  # (two things the tables do not read, 「城镇…比农村高多少」: each from its sentence)
            if len(plan.reports) == 1 and len(plan.years) == 1 and (back := worked_back(plan)) is not None:
                return back  # 「2023年度收入支出总计」 of the 2024 决算: its figure less the change it states
            return self._carry_out(plan.otherwise or replace(plan, kind="text"))
        if plan.kind == "summary" and plan.topic:
            if SUMMARY_WEAK.search(plan.content) and not SUMMARY_ASKED.search(SUMMARY_WEAK.sub("", plan.content)):
                found = answer_any(plan.question, plan.content, plan.reports[0])  # 「速动比率怎么样」: its figure
                if found is not None and not found.abstained and found.value is not None:
                    return found
            docs = self._retrieve({"question": plan.topic, "report_ids": [plan.reports[0].id]})["docs"]
            return summarise(plan.asked, plan.topic, plan.reports[0], docs, plan.scope)
        if plan.kind == "text":
            answer = self._text(plan)
            if answer.abstained and plan.otherwise is not None:
                return self._carry_out(plan.otherwise)
            return says_all(plan, answer, self.index.reports)
        assert plan.query is not None
        answer = self.executor.run(plan.asked, plan.query, [r.id for r in plan.reports], plan.scope)
        if plan.printed_rate and not answer.abstained:
            add_printed_rate(answer, self.index.reports.get(plan.reports[0].id))
        if answer.value is not None and plan.query.op == "value" and len(plan.reports) == 1 and "一栏为空" in answer.answer \
                and text_differs(answer, plan.query.measures[0].row, self.index.reports.get(plan.reports[0].id)):
            return answer
        if answer.value is None and plan.blank_to_text:
            # A blank or unreadable cell: the prose may still state the figure (garbled conversions lose cells);
            # a sum of named rows, each of its parts from its own sentence, added
            text_plan = replace(plan, kind="text", query=None, text_ids=[r.id for r in plan.reports])
            if plan.query.op == "sum":
                text_plan = Planner.prose_of(text_plan, plan.content)
            if plan.query.op == "value" or text_plan.parts:
                text_answer = self._text(text_plan)
                if not text_answer.abstained and text_answer.understood is None:
                    text_answer.understood = f"{restate(text_plan)}（表格中的栏目未能可靠读出）"
                return answer if text_answer.abstained else text_answer
        also_added(self.executor, self.index.reports.get(plan.reports[0].id) if plan.reports else None, plan, answer)
        other_columns(self.executor, plan, answer)
        if plan.premise is not None and not answer.abstained:
            stated, figure = plan.premise
            printed = figures_of(answer.formula or answer.answer)
            if figure not in printed:  # 「一共46件」 the report does not print: said, the report's own figure used
                answer.answer += f"。注意：问题说「{stated}」，报告表中的数字与此不同，以上按报告表中的数字计算"
            answer.understood = f"{restate(plan)}（问题所说「{stated}」{'与报告一致' if figure in printed else '与报告不符'}）"
        for pattern, row, others in ALSO_READ:
            if not answer.abstained and [m.row for m in plan.query.measures] == [row] and re.search(pattern, plan.content):
                who = label(plan.reports[0]) if len(plan.reports) == 1 else ""
                answer.clarify = [f"{who}{other}的申请有多少件？" for other in others]  # the other readings, to pick
                answer.answer += f"。「处理」也可能指{'或'.join(others)}，可从下面的问题中选择"
        if plan.query.definition == "公开率" and "含部分公开" not in (plan.query.topic or "") and not answer.abstained:
            who = label(plan.reports[0]) if len(plan.reports) == 1 else ""
            answer.clarify = [f"{who}不含部分公开的公开率是多少？", f"{who}含部分公开的公开率是多少？"]
        return answer

    def _partial(self, plan: Plan) -> Answer:
        """A table reading with words left over: a sentence that says every one of those words may state the figure."""
        words = plan.unexplained
        if asks_sum(plan.content):  # 「…加起来几件」: the sum is what the prose parts make, no word left over
            words = tuple(w for w in words if not re.fullmatch(r"加(?:起来|一起|在一起|上)?|一共|总共|合计", w))
        if plan.query is not None and plan.query.op == "value" and words and all(len(w) >= 2 for w in words):
            # 「…规章和…政策性文件，一共几件」: the parts a sum names, each from its sentence, never one of them alone
            text_plan = Planner.prose_of(replace(plan, kind="text", query=None), plan.content)
            found = self._text(text_plan)
            quoted = "".join(c.quote for c in found.citations)
            if not found.abstained and found.value is not None and all(w in quoted for w in words):
                found.understood = found.understood or restate(text_plan)
                return found  # 「其他处理中申请人主动撤回的」: the prose says 主动撤回 with its figure
        if plan.query is not None and plan.query.op == "rate" and len(plan.query.measures) == 1 and len(plan.reports) == 1 \
                and all(len(w) >= 2 for w in words):
            shared = self._share_of_a_cell(plan, words)  # 「其他处理里申请人主动撤回的占多少」: prose ÷ the cell
            if shared is not None:
                return shared
        return partial(plan)

    def _share_of_a_cell(self, plan: Plan, words: tuple[str, ...]) -> Answer | None:
        """A part only the prose states (「含申请人主动撤回 157 件」) over the table's figure of the row it is part of (319).

        The part's sentence must name the row too (「其他处理 319 件（…含申请人主动撤回 157 件）」), and be less than it.
        """
        assert plan.query is not None
        row = plan.query.measures[0]
        whole = self.executor.run(plan.asked, Query(measures=(row,)), [plan.reports[0].id], plan.scope)
        label = row.row.split("/")[-1]
        if whole.value is None or not whole.value:
            return None
        part = self._text(replace(plan, kind="text", query=None, question=f"{label}{''.join(words)}多少件",
                                  content=f"{label}{''.join(words)}多少件"))
        quoted = "".join(c.quote for c in part.citations)
        if part.abstained or part.value is None or not all(w in quoted for w in words) or label not in quoted \
                or not 0 <= part.value < whole.value:
            return None
        rate = round(part.value / whole.value * 100, 2)
        formula = f"{format_number(part.value)} ÷ {format_number(whole.value)} = {format_number(rate)}%"
        text = (f"{format_number(rate)}%（{formula}；{''.join(words)}：{part.answer}；{label}：{whole.answer}）")
        return Answer(question=plan.asked, answer=text, value=rate, unit="%", route="text", formula=formula,
                      citations=[*part.citations, *whole.citations], scope=plan.scope)

    def run_query(self, query: Query | dict[str, Any], reports: list[str] | None = None) -> Answer:
        """Answer a `Query` given as a value or its JSON form (the `query_cells` tool), over its scope."""
        query = query if isinstance(query, Query) else Query.from_dict(query)
        catalog = self.catalog.restricted(set(reports)) if reports else self.catalog
        agencies: tuple[str, ...] = ()
        for name in query.scope.agencies:
            found = catalog.resolve(name)
            if not found.agencies:
                return abstain(f"query_cells {name}", f"语料中没有「{name}」的报告")
            agencies += tuple(a for a in found.agencies if a not in agencies)
        chosen = catalog.select(agencies, tuple(query.scope.years))
        if not chosen:
            return abstain("query_cells", "语料中没有符合条件的报告")
        scope = Scope(tuple(r.id for r in chosen), agencies, tuple(query.scope.years))
        if query.op in ("value", "rate") and len(chosen) > 1 and not query.pooled and len(query.measures) == 1:
            query = query.with_(op="trend") if query.op == "value" else query
        query = query.with_(scope=QueryScope(agencies, query.scope.years, query.scope.all_reports))
        answer = self.executor.run("query_cells", query, [r.id for r in chosen], scope)
        plan = Plan("table", "query_cells", query=query, reports=chosen, agencies=agencies, years=tuple(query.scope.years))
        answer.understood = restate(plan)  # the same restatement as a question's: what the Query was taken to ask
        return answer

    def _clarify(self, plan: Plan) -> Answer:
        """Several close readings: lay out each candidate (with its figure when one report is in scope) and ask."""
        reports, candidates = plan.reports, plan.candidates
        who = label(reports[0]) if len(reports) == 1 else ""
        lines = []
        if len(reports) == 1:
            for m in candidates:
                figure = self.executor.run(plan.asked, Query(measures=(m,)), [reports[0].id], plan.scope)
                shown = f"{format_number(figure.value)}{figure.unit or ''}" if figure.value is not None else "未读出"
                lines.append(f"「{m.label()}」{shown}")
        text = "这个问题有几种理解，请选择：" + ("；".join(lines) if lines else "、".join(f"「{m.label()}」" for m in candidates))
        answer = abstain(plan.asked, plan.reason or "问题的说法对应多个表格栏目", plan.scope)
        answer.answer = text
        answer.clarify = [f"{who}{m.row}{m.col}是多少？" if m.table == "主动公开" and m.col else
                          f"{who}{m.row.split('/')[-1]}的有多少件？" for m in candidates]
        return answer

    def _text(self, plan: Plan) -> Answer:
        return self.prose.read(plan)
