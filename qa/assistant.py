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
from qa.answer import Answer, Citation, Scope, abstain, format_number
from qa.execute import Executor
from qa.lexicon import english_to_chinese
from qa.normalise import normalise
from qa.operations import asks_sum, detect, ranks, versus_last_year, wants_all, year_range
from qa.query import Measure, Query, QueryScope
from qa.scope import Catalog, Resolved
from qa.semantic import SemanticMatcher
from qa.table_route import label, make_lookup_tool
from qa.text_route import extract_answer
from qa.tools import make_query_tool
from qa.understand import Understander

log = logging.getLogger(__name__)
MAX_QUESTION = 500
_COMPARE = re.compile(r"比|相比|对比|哪(?:个|家|一年)|谁|合计|一共|总共|加起来|增加|减少|增长|下降|变化|趋势|各|分别|逐年|历年")
# Words of a question that the sentence answering it must contain too (a currency, a compensation, a channel).
_TEXT_QUALIFIER = re.compile(r"美元|欧元|港元|英镑|日元|赔偿|赔了|赔付|网上|网络|邮寄|传真|信函|当面|现场|外国人|港澳台")
_PRINTED_RATE = re.compile(r"[^。；;\n]{0,60}\d+(?:\.\d+)?\s*%[^。；;\n]{0,20}")
_PER_REPORT_MAX = 12  # a prose question over more reports than this is not read report by report
_EACH = re.compile(r"每年|历年|各年|逐年|这几年|分别|一共|合计|总共|加起来")
_BOTH = re.compile(r"[两2](?:家|个|年|份|项|类)|这[两2]|二者|两者")  # the normaliser writes 两家 as 2家


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
        answer = self._answer(question, list(history or []), reports)
        if self.llm is not None and not answer.abstained:
            from qa.llm import phrase

            answer = phrase(answer, self.llm, tools=[self.lookup_tool, self.query_tool])
        answer.timings_ms["total"] = (time.perf_counter() - started) * 1000
        return answer

    def _answer(self, question: str, history: list[Answer], only: list[str] | None) -> Answer:
        catalog = self.catalog.restricted(set(only)) if only else self.catalog
        asked = question
        question = english_to_chinese(catalog.chinese_names(normalise(question)))
        resolved = catalog.resolve(question)
        if resolved.unknown_agency:
            below = f"（只有其下属地方的：{'、'.join(resolved.below)}）" if resolved.below else ""
            return abstain(asked, f"语料中没有「{resolved.unknown_agency}」的报告{below}")
        content = catalog.strip_names(question)
        years = year_range(question) or resolved.years
        resolved = catalog.widen_to_place(question, resolved)
        queries = [a.query for a in history if a.query is not None]
        named = len(catalog.select(resolved.agencies, years)) if (resolved.agencies or years) else 0
        understood = self.understander.understand(content, queries, named, len(years))
        query = understood.query
        agencies, years = self._inherit_scope(resolved, years, history, content, query)
        missing = [y for y in years if agencies and not catalog.select(agencies, (y,))]
        comparing = query is not None and query.op in ("difference", "growth", "multiple", "sum", "average", "trend", "rank")
        if missing and (comparing or len(missing) == len(years)):
            return abstain(asked, f"语料中没有{'、'.join(agencies)}{missing[0]}年的报告")
        years = tuple(y for y in years if y not in missing)  # 「2025年从2024年结转过来的」: 2024 is a reference
        agencies_all = wants_all(content) or (query is not None and query.op in ("rank", "count", "check"))
        reports = catalog.select(agencies, years) if (agencies or years) else list(resolved.reports)
        if resolved.unknown_year and not reports:
            who = "、".join(agencies) or "任何机关"
            return abstain(asked, f"语料中没有{who}{resolved.unknown_year}年的报告")
        if not reports:
            return abstain(asked, "语料中没有符合条件的报告")
        scope = Scope(tuple(r.id for r in reports), tuple(agencies), tuple(years))
        if understood.candidates and understood.via == "lexicon":
            return self._clarify(asked, understood.candidates, reports, scope)
        if understood.candidates:
            # Several close semantic readings: a sentence of the report that states the figure beats asking back.
            text_answer = self._text(asked, question, reports, catalog, agencies, years)
            return text_answer if not text_answer.abstained else self._clarify(asked, understood.candidates, reports, scope)
        if query is None:
            return self._text(asked, question, reports, catalog, agencies, years)
        if query.op == "count" and not query.measures and len(reports) == 1 and agencies and years:
            return self._text(asked, question, reports, catalog, agencies, years)  # 「有多少家单位…」 of one report
        if query.op in ("rank", "growth", "difference") and ranks(content) and (versus_last_year(content) or query.op == "growth"):
            # 「哪一年比上一年多收的最多」, 「哪一年同比增幅最大」: the years ranked by their change.
            delta = "growth" if query.op == "growth" or re.search(r"增幅|增长率|涨幅|百分", content) else "difference"
            order = detect(content, 1, 2)
            query = query.with_(op="rank", delta=delta, n=1 if order.n is None else order.n, descending=order.descending)
        query = query.with_(scope=QueryScope(tuple(agencies), tuple(years), agencies_all and not agencies))
        year_over_year = query.op in ("growth", "multiple") or (query.op == "difference" and versus_last_year(content))
        if year_over_year:
            paired = self._with_previous_year(asked, question, content, query, reports, catalog, agencies, years, scope)
            if isinstance(paired, Answer):
                return paired
            reports = paired
        single = query.op in ("value", "rate", "difference", "multiple") and not year_over_year and not query.pooled
        named_several = (len(agencies) > 1 and not resolved.ambiguous) or len(years) > 1
        if single and len(reports) > 1 and not (named_several or query.scope.all_reports or _COMPARE.search(content)):
            return self._which_report(asked, question, content, query, reports, scope)
        if query.op == "value" and len(reports) > 1 and len(query.measures) == 1:
            # Now that the reports are known: 「哪个多」 of two is a ranking, 「比…多」 a difference, else a list.
            again = detect(content, 1, len(reports))
            op = again.op if again.op in ("difference", "sum", "rank") else "trend"
            query = query.with_(op=op, n=again.n if op == "rank" else None, descending=again.descending)
        answer = self.executor.run(asked, query, [r.id for r in reports], scope)
        answer.question = asked
        if query.op == "rate" and not answer.abstained and len(reports) == 1:
            self._add_printed_rate(answer, question, reports, catalog, agencies, years)
        if answer.value is None and query.op in ("value", "rate") and len(reports) == 1:
            # A blank or unreadable cell: the prose may still state the figure (garbled conversions lose cells).
            text_answer = self._text(asked, question, reports, catalog, agencies, years)
            return answer if text_answer.abstained else text_answer
        return answer

    def _with_previous_year(self, asked: str, question: str, content: str, query: Query, reports: list[Report],
                            catalog: Catalog, agencies: tuple[str, ...], years: tuple[int, ...],
                            scope: Scope) -> list[Report] | Answer:
        """The reports of a year-over-year question: the one asked and the year before it (or an answer why not)."""
        if len(reports) > 1 and not years and len({r.agency for r in reports}) == 1:
            # 「平潭的申请比上年涨了多少」: which year? Offer each one that has a year before it in the corpus.
            answer = abstain(asked, "问题没有指明是哪一年与上一年相比", scope)
            known = {r.year for r in reports}
            answer.clarify = [f"{label(r)}{content.strip(' ，,。的')}" for r in reports if r.year and r.year - 1 in known][-6:]
            answer.answer = "请指明是哪一年：" + "、".join(f"{r.year}年" for r in reports if r.year and r.year - 1 in known)
            answer.query = query
            return answer
        if len(query.measures) != 1 or len(reports) != 1:
            return reports
        earlier = catalog.select((reports[0].agency,), ((reports[0].year or 0) - 1,))
        if earlier:
            return earlier + reports
        # The previous year's report is not in the corpus; the text may still state the change.
        text_answer = self._text(asked, question, reports, catalog, agencies, years)
        if not text_answer.abstained:
            return text_answer
        return abstain(asked, f"语料中没有{reports[0].agency}{(reports[0].year or 0) - 1}年的报告，无法计算同比", scope)

    @staticmethod
    def _which_report(asked: str, question: str, content: str, query: Query, reports: list[Report], scope: Scope) -> Answer:
        """A figure question that several reports could answer: ask which, one choice per report."""
        choices = "、".join(label(r) for r in reports[:6]) + ("等" if len(reports) > 6 else "")
        answer = abstain(asked, f"问题没有指明机关和年份，语料中有{len(reports)}份报告（{choices}），请指明是哪一份", scope)
        asked_about = re.sub(r"今年|去年|这一年|那一年", "", content).strip(" ，,。的") or question
        answer.clarify = [f"{label(r)}{asked_about}" for r in reports[:6]]
        answer.query = query
        first = query.measures[0] if query.measures else None
        # The row stays in scope: the user's reply 「上海市司法局2020年的」 then gets this figure.
        answer.scope = Scope(scope.report_ids, scope.agencies, scope.years, first.table if first else None,
                             first.row if first else None, first.col if first else None)
        return answer

    def _add_printed_rate(self, answer: Answer, question: str, reports: list[Report], catalog: Catalog,
                          agencies: tuple[str, ...], years: tuple[int, ...]) -> None:
        """A rate the report's own text prints beside the one computed from its cells (they may differ)."""
        report = self.index.reports.get(reports[0].id)
        if report is None or answer.query is None:
            return
        words = {m.row.split("/")[-1][:4] for m in answer.query.measures}
        if answer.query.definition == "公开率" or words & {"予以公开", "部分公开"}:
            words |= {"同意公开", "公开和部分公开", "公开及部分公开"}
        for m in _PRINTED_RATE.finditer(report.text):
            sentence = m.group(0)
            if any(w in sentence for w in words) and not any(w in sentence for w in ("满意", "增长", "下降", "同比", "主动")):
                printed = re.findall(r"(\d+(?:\.\d+)?)\s*%", sentence)
                same = any(float(p) == answer.value for p in printed)
                answer.answer += f"（报告正文写的是「{sentence.strip()}」{'，与计算一致' if same else '，口径可能不同'}）"
                start = m.start()
                answer.citations = [*answer.citations, Citation(report.id, report.title, report.section_at(start),
                                                               sentence.strip(), start, m.end(), report.page_at(start))]
                return

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
        return self.executor.run("query_cells", query.with_(scope=QueryScope(agencies, query.scope.years, query.scope.all_reports)),
                                 [r.id for r in chosen], scope)

    def _inherit_scope(self, resolved: Resolved, years: tuple[int, ...], history: list[Answer],
                       content: str, query: Query | None) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """Agencies and years of a follow-up: what it names replaces, what it does not is kept."""
        agencies = tuple(resolved.agencies)
        previous = history[-1] if history else None
        if previous is None or (previous.abstained and previous.query is None):
            return agencies, tuple(years)
        before_agencies, before_years = previous.scope.agencies, previous.scope.years
        comparing = query is not None and query.op in ("growth", "multiple", "difference")
        if not agencies and not years and (_BOTH.search(content) or comparing) and len(history) >= 2:
            # 「两家加起来多少」, 「这两年平均每年多少」: the scopes of the last two questions together.
            earlier = history[-2].scope
            return (tuple(dict.fromkeys(earlier.agencies + before_agencies)),
                    tuple(sorted(set(earlier.years) | set(before_years))))
        if not agencies and not years:
            return before_agencies, before_years
        if agencies and not years:
            if _COMPARE.search(content) and before_agencies:
                agencies = tuple(dict.fromkeys(before_agencies + agencies))
            kept = tuple(y for y in before_years if self.catalog.select(agencies, (y,)))
            return agencies, kept
        if years and not agencies:
            if _COMPARE.search(content) and before_years and len(years) == 1:  # 「比2023年多多少」: both years
                return before_agencies, tuple(sorted(set(before_years) | set(years)))
            return before_agencies, tuple(years)
        return agencies, tuple(years)

    def _clarify(self, question: str, candidates: list[Measure], reports: list[Report], scope: Scope) -> Answer:
        """Several close readings: lay out each candidate (with its figure when one report is in scope) and ask."""
        who = label(reports[0]) if len(reports) == 1 else ""
        options = [f"{who}{m.row.split('/')[-1]}的有多少件？" for m in candidates]
        lines = []
        if len(reports) == 1:
            for m in candidates:
                figure = self.executor.run(question, Query(measures=(m,)), [reports[0].id], scope)
                shown = f"{format_number(figure.value)}{figure.unit or ''}" if figure.value is not None else "未读出"
                lines.append(f"「{m.label()}」{shown}")
        text = "这个问题有几种理解，请选择：" + ("；".join(lines) if lines else "、".join(f"「{m.label()}」" for m in candidates))
        answer = abstain(question, "问题的说法对应多个表格栏目", scope)
        answer.answer = text
        answer.clarify = options
        return answer

    def _text_per_report(self, asked: str, question: str, reports: list[Report]) -> Answer:
        """A prose question over several years of one agency: each year's report read on its own.

        「2023到2025年一共发布了多少篇政策解读」 is the sum of three sentences, each cited; a year whose report
        does not say it leaves the total open (the years found are listed, and the answer abstains).
        """
        found: list[tuple[Report, Answer]] = []
        lacking: list[Report] = []
        for report in sorted(reports, key=lambda r: r.year or 0):
            one = self.chain.invoke({"question": question, "report_ids": [report.id]})
            (found.append((report, one)) if one is not None else lacking.append(report))
        if not found:
            return abstain(asked, "在这些报告中都没有找到足够可靠的答案")
        listed = "；".join(f"{r.year}年：{a.answer}" for r, a in found)
        values = [a.value for _, a in found]
        units = {a.unit for _, a in found}
        answer = Answer(question=asked, answer=listed, route="text", citations=[c for _, a in found for c in a.citations])
        if asks_sum(question) and all(v is not None for v in values) and len(units) == 1 and not lacking:
            total = sum(v for v in values if v is not None)
            answer.value, answer.unit = total, units.pop()
            answer.formula = " + ".join(format_number(v) for v in values) + f" = {format_number(total)}"
            answer.answer = f"合计 {format_number(total)}{answer.unit or ''}（{answer.formula}）。" + listed
        elif lacking:
            answer.abstained, answer.reason = True, f"{'、'.join(f'{r.year}年' for r in lacking)}的报告没有找到这一内容"
            answer.answer = listed + f"。{answer.reason}。"
        return answer

    def _text(self, asked: str, question: str, reports: list[Report], catalog: Catalog, agencies: tuple[str, ...],
              years: tuple[int, ...]) -> Answer:
        started = time.perf_counter()
        restricted = agencies or years or len(catalog.all) != len(self.catalog.all)
        ids = [r.id for r in reports] if restricted else None
        if ids and 1 < len(ids) <= _PER_REPORT_MAX and len(agencies) <= 1 and (len(years) > 1 or _EACH.search(question)):
            return self._text_per_report(asked, question, reports)
        answer = self.chain.invoke({"question": question, "report_ids": ids})
        if answer is None:
            return abstain(asked, "在报告中没有找到足够可靠的答案")
        answer.question = asked
        answer.timings_ms["retrieve_and_extract"] = (time.perf_counter() - started) * 1000
        quoted = "".join(c.quote for c in answer.citations)
        asked_for = _TEXT_QUALIFIER.findall(question)
        lacking = [w for w in asked_for if w not in quoted]
        if answer.value is not None and lacking:
            # 「折合多少美元」, 「败诉后赔了多少钱」: the sentence found does not speak of what was asked.
            return abstain(asked, f"报告中没有说到「{lacking[0]}」的数字")
        listed = [w for w in asked_for if re.search(rf"(?:{_TEXT_QUALIFIER.pattern})[、和及与或]{w}|{w}[、和及与或](?:{_TEXT_QUALIFIER.pattern})", quoted)]
        if answer.value is not None and listed:
            # 「通过邮寄、网络提交的…共计81件」: a figure for several channels together is not the one asked.
            return abstain(asked, f"报告给出的是「{listed[0]}」与其他方式合计的数字，没有单独的「{listed[0]}」数字")
        if answer.value is not None and len(reports) > 1 and restricted and asks_sum(question):
            # 「2023到2025年一共发布了多少篇」: one sentence of one report is not the total over several.
            return abstain(asked, f"这个数字只能从各年报告的正文分别读出；找到的是{label(self.index.reports[answer.citations[0].report_id])}的：{answer.answer}")
        if answer.value is not None and not ids and len(catalog.reports) > 1:
            report = self.index.reports[answer.citations[0].report_id]
            answer.answer = f"{answer.answer}（出自{label(report)}报告）"
        return answer
