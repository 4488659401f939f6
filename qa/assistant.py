"""`Assistant`: the one public entry. Scope -> table route (cells) or text route (LangChain chain) -> Answer."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableLambda

from corpus import QuestionError, Report, Settings
from corpus.table_spec import REQUEST_COLS, REVIEW_COLS
from qa.answer import Answer, Scope, abstain
from qa.lexicon import PROSE_ONLY, RowTerm, leftover, match_col, match_cols, match_rows
from qa.scope import Catalog, Resolved
from qa.table_route import (
    combine_answer,
    compare_answer,
    label,
    make_lookup_tool,
    read_figure,
    resolve_col,
    single_answer,
)
from qa.text_route import extract_answer

log = logging.getLogger(__name__)
MAX_QUESTION = 500
_COMPARE = re.compile(r"比|相比|对比|哪(?:个|家|一年)|谁|合计|一共|总共|加起来|增加|减少|增长|下降|变化|趋势|各|分别|逐年|历年")
_FIGURE_QUESTION = re.compile(r"多少|几|数量|是否有|有没有")


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
        index = CorpusIndex.open(corpus_dir, embeddings, settings.home, progress=progress)
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

    # -- the text route as a LangChain chain: {"question", "report_ids"} -> retriever -> extractive answer

    def _retrieve(self, inp: str | dict[str, Any]) -> dict[str, Any]:
        data = {"question": inp} if isinstance(inp, str) else dict(inp)
        ids = data.get("report_ids")
        # Agency names and years select reports; they are not what the passage must say.
        content = self.catalog.strip_names(data["question"]) or data["question"]
        docs = self.retriever.invoke(content, filter={"report_id": list(ids)} if ids else None)
        return {**data, "content": content, "docs": docs}

    def _extract(self, data: dict[str, Any]) -> Answer | None:
        answer = extract_answer(
            data.get("content") or data["question"], data["docs"], self.index.reports, in_scope=data.get("report_ids")
        )
        if answer is not None:
            answer.question = data["question"]
        return answer

    def retrieve(self, question: str, reports: list[str] | None = None) -> list[Any]:
        """The passages the text route reads for a question (top k, in the question's scope)."""
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
        answer = self._answer(question, history[-1] if history else None, reports)
        if self.llm is not None and not answer.abstained:
            from qa.llm import phrase

            answer = phrase(answer, self.llm, tools=[self.lookup_tool])
        answer.timings_ms["total"] = (time.perf_counter() - started) * 1000
        return answer

    def _answer(self, question: str, previous: Answer | None, only: list[str] | None) -> Answer:
        catalog = self.catalog.restricted(set(only)) if only else self.catalog
        resolved = catalog.resolve(question)
        if resolved.unknown_agency:
            return abstain(question, f"语料中没有「{resolved.unknown_agency}」的报告")
        terms = match_rows(question)
        reports, scope = self._scope(resolved, previous, catalog)
        if resolved.unknown_year and not reports:
            who = "、".join(resolved.agencies) or "任何机关"
            return abstain(question, f"语料中没有{who}{resolved.unknown_year}年的报告")
        if not reports:
            return abstain(question, "语料中没有符合条件的报告")
        col = None
        if not terms and previous is not None and previous.scope.row:
            # 「其中自然人多少？」: the row of the previous table answer, perhaps another column.
            terms = [RowTerm("", previous.scope.table or "申请", previous.scope.row)]
            col = match_col(question, terms[0].table, terms[0].row, None) or previous.scope.col
        if terms and self._table_can_answer(question, terms, catalog) and not PROSE_ONLY.search(question):
            answer = self._table(question, terms, col, reports, resolved, scope)
            if answer is not None and answer.value is None and not answer.abstained:
                # A blank cell: the prose may still state the figure (garbled conversions lose cells).
                text_answer = self._text(question, reports, catalog, resolved)
                return answer if text_answer.abstained else text_answer
            if answer is not None:
                return answer
        return self._text(question, reports, catalog, resolved)

    def _table_can_answer(self, question: str, terms: list[RowTerm], catalog: Catalog) -> bool:
        """No qualifier beyond row, column and scope ("来自外国人", "通过网络" send it to the text route)."""
        content = catalog.strip_names(question)
        used = [m.group() for t in terms if t.pattern for m in re.finditer(t.pattern, content)]
        for t in terms:
            used += [m.group() for c in match_cols(content, t.table, t.row) for m in re.finditer(_col_pattern(t.table, t.row, c), content)]
        vocabulary = "".join(f"{t.table}{t.row}行政复议行政诉讼{''.join(REQUEST_COLS + REVIEW_COLS)}" for t in terms)
        rest = leftover(content, used, vocabulary)
        if len(rest) >= 2:
            log.debug("table route declined, leftover %r", rest)
            return False
        return True

    def _scope(self, resolved: Resolved, previous: Answer | None, catalog: Catalog) -> tuple[list[Report], Scope]:
        """The reports in scope, inheriting agency and year from the previous answer of a follow-up."""
        agencies, years = resolved.agencies, resolved.years
        if previous is not None and not previous.abstained:
            agencies = agencies or previous.scope.agencies
            years = years or (previous.scope.years if not resolved.agencies else ())
        reports = catalog.select(agencies, years) if (agencies or years) else list(resolved.reports)
        return reports, Scope(tuple(r.id for r in reports), tuple(agencies), tuple(years))

    def _table(
        self, question: str, terms: list[RowTerm], col: str | None, reports: list[Report], resolved: Resolved, scope: Scope
    ) -> Answer | None:
        term = terms[0]
        if len(reports) == 1:
            report = reports[0]
            if len(terms) > 1:
                figures = []
                for t in terms:
                    figure = read_figure(report, t.table, t.row, resolve_col(question, t, report))
                    if figure is None:
                        return None
                    figures.append((t.row, figure[0], figure[1]))
                return combine_answer(question, report, figures, scope)
            cols = match_cols(question, term.table, term.row)
            if col is None and len(cols) == 2:
                figures = []
                for c in cols:
                    figure = read_figure(report, term.table, term.row, c)
                    if figure is None:
                        return None
                    figures.append((f"{term.row} · {c}", figure[0], figure[1]))
                return combine_answer(question, report, figures, scope)
            return single_answer(question, report, term, col or resolve_col(question, term, report), scope)
        named_many = len(resolved.agencies) > 1 or len(resolved.years) > 1
        if named_many or (_COMPARE.search(question) and (resolved.agencies or resolved.years)):
            answer = compare_answer(question, reports, term, scope)
            if answer is not None:
                answer.scope = Scope(scope.report_ids, scope.agencies, scope.years, term.table, term.row, col)
            return answer
        choices = "、".join(label(r) for r in reports[:6]) + ("等" if len(reports) > 6 else "")
        # The row stays in scope: the user's reply 「上海市司法局2020年的」 then gets this figure.
        asked = Scope(scope.report_ids, scope.agencies, scope.years, term.table, term.row, col)
        return abstain(question, f"问题没有指明机关和年份，语料中有{len(reports)}份报告（{choices}），请指明是哪一份", asked)

    def _text(self, question: str, reports: list[Report], catalog: Catalog, resolved: Resolved) -> Answer:
        started = time.perf_counter()
        ids = [r.id for r in reports] if (resolved.agencies or resolved.years or len(catalog.all) != len(self.catalog.all)) else None
        answer = self.chain.invoke({"question": question, "report_ids": ids})
        if answer is None:
            return abstain(question, "在报告中没有找到足够可靠的答案")
        answer.timings_ms["retrieve_and_extract"] = (time.perf_counter() - started) * 1000
        if answer.value is not None and not ids and len(catalog.reports) > 1:
            report = self.index.reports[answer.citations[0].report_id]
            answer.answer = f"{answer.answer}（出自{label(report)}报告）"
        return answer


def _col_pattern(table: str, row: str, col: str) -> str:
    """The everyday-word pattern that named a column (for removing it from the question)."""
    from qa.lexicon import ACTIVE_COL_TERMS, REQUEST_COL_TERMS, REVIEW_COL_TERMS

    terms = REQUEST_COL_TERMS if table == "申请" else REVIEW_COL_TERMS if table == "复议诉讼" else ACTIVE_COL_TERMS.get(row, ())
    return next((p for p, c in terms if c == col), "(?!)")
