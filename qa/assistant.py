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
from qa.answer import Answer, Citation, Scope, abstain, format_number
from qa.execute import Executor
from qa.lexicon import ALSO_READ
from qa.operations import asks_sum
from qa.plan import Plan, Planner
from qa.query import Query, QueryScope
from qa.render import declined, partial, per_period, restate
from qa.scope import Catalog
from qa.semantic import SemanticMatcher
from qa.table_route import label, make_lookup_tool
from qa.text_route import Sentence, extract_answer, figure_in, longest, terms
from qa.tools import make_query_tool
from qa.understand import Understander
from qa.vocabulary import (
    ASK_PRINTED_RATE as _PRINTED_RATE,
    ASK_QUESTION_WORDS,
    ASK_TEXT_QUALIFIER as _TEXT_QUALIFIER,
    OP_AVERAGE,
    OP_MULTIPLE,
    PERIOD_WORDS,
    TEXT_ASKS_DIFF,
    TEXT_ASKS_REST,
    TEXT_ASKS_SHARE,
    TEXT_CONTAINER,
    TEXT_SAYS,
    TEXT_TWO_THINGS,
    TEXT_WHICH_OF_TWO,
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
            avoid=data.get("avoid", ()),
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
        plan = self.planner(only).plan(question, history, only)
        answer = self._carry_out(plan)
        answer.question = question
        if answer.understood is None:
            answer.understood = restate(plan)
        return answer

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
        if plan.kind == "text":
            answer = self._text(plan)
            if answer.abstained and plan.otherwise is not None:
                return self._carry_out(plan.otherwise)
            return answer
        assert plan.query is not None
        answer = self.executor.run(plan.asked, plan.query, [r.id for r in plan.reports], plan.scope)
        if plan.printed_rate and not answer.abstained:
            self._add_printed_rate(answer, plan.question, plan.reports)
        if answer.value is None and plan.blank_to_text:
            # A blank or unreadable cell: the prose may still state the figure (garbled conversions lose cells).
            text_answer = self._text(replace(plan, kind="text", query=None, text_ids=[r.id for r in plan.reports]))
            return answer if text_answer.abstained else text_answer
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
        if plan.query is not None and plan.query.op == "value" and all(len(w) >= 2 for w in words):
            found = self._text(replace(plan, kind="text", query=None))
            quoted = "".join(c.quote for c in found.citations)
            if not found.abstained and found.value is not None and all(w in quoted for w in words):
                return found  # 「其他处理中申请人主动撤回的」: the prose says 主动撤回 with its figure
        return partial(plan)

    def _add_printed_rate(self, answer: Answer, question: str, reports: list[Report]) -> None:
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
        answer.clarify = [f"{who}{m.row.split('/')[-1]}的有多少件？" for m in candidates]
        return answer

    def _text_per_report(self, plan: Plan) -> Answer:
        """A prose question over several years of one agency: each year's report read on its own.

        「2023到2025年一共发布了多少篇政策解读」 is the sum of three sentences, each cited; a year whose report
        does not say it leaves the total open (the years found are listed, and the answer abstains).
        """
        found: list[tuple[Report, Answer]] = []
        lacking: list[Report] = []
        for report in sorted(plan.reports, key=lambda r: r.year or 0):
            one = self.chain.invoke({"question": plan.question, "report_ids": [report.id]})
            (found.append((report, one)) if one is not None else lacking.append(report))
        if not found:
            return abstain(plan.asked, "在这些报告中都没有找到足够可靠的答案")
        listed = "；".join(f"{r.year}年：{a.answer}" for r, a in found)
        values = [a.value for _, a in found]
        units = {a.unit for _, a in found}
        answer = Answer(question=plan.asked, answer=listed, route="text", citations=[c for _, a in found for c in a.citations])
        if OP_AVERAGE.search(plan.content) and all(v is not None for v in values) and len(units) == 1 and not lacking:
            mean = round(sum(v or 0 for v in values) / len(values), 2)  # 「这四年平均每年公开多少条」
            answer.value, answer.unit = mean, units.pop()
            answer.formula = f"({' + '.join(format_number(v) for v in values)}) ÷ {len(values)} = {format_number(mean)}"
            answer.answer = f"平均每年 {format_number(mean)}{answer.unit or ''}（{answer.formula}）。" + listed
            return answer
        if TEXT_ASKS_DIFF.search(plan.content) and len(found) == 2 and all(v is not None for v in values) \
                and len(units) == 1 and not lacking:
            (first, a1), (second, a2) = found  # in year order: the later minus the earlier
            diff = (a2.value or 0) - (a1.value or 0)
            answer.value, answer.unit = abs(diff), units.pop()
            answer.formula = f"{format_number(a2.value)} − {format_number(a1.value)} = {format_number(diff)}"
            word = "多" if diff >= 0 else "少"
            answer.answer = (f"{second.year}年比{first.year}年{word} {format_number(abs(diff))}{answer.unit or ''}"
                             f"（{answer.formula}）。" + listed)
            return answer
        if asks_sum(plan.question) and all(v is not None for v in values) and len(units) == 1 and not lacking:
            total = sum(v for v in values if v is not None)
            answer.value, answer.unit = total, units.pop()
            answer.formula = " + ".join(format_number(v) for v in values) + f" = {format_number(total)}"
            answer.answer = f"合计 {format_number(total)}{answer.unit or ''}（{answer.formula}）。" + listed
        elif lacking:
            answer.abstained, answer.reason = True, f"{'、'.join(f'{r.year}年' for r in lacking)}的报告没有找到这一内容"
            answer.answer = listed + f"。{answer.reason}。"
        return answer

    def _text_parts(self, plan: Plan) -> Answer | None:
        """「培训和讲座一共办了多少场」: each named figure from its own sentence, added when both are found in one unit."""
        words = [set(terms(p)) for p in plan.parts]
        shared = set.intersection(*words) if words else set()  # 「公开属性审查和发布审查」: 审查 anchors neither
        found = [self.chain.invoke({"question": part, "report_ids": plan.text_ids, "avoid": tuple(shared)})
                 for part in plan.parts]
        if any(a is None or a.value is None for a in found):
            return None
        answers = self._co_located([a for a in found if a is not None], plan.parts, words, shared)
        for answer, own in zip(answers, words, strict=True):
            quoted = "".join(c.quote for c in answer.citations)
            mine = sorted((w for w in own - shared if len(w) >= 2 and not ASK_QUESTION_WORDS.fullmatch(w)), key=len)
            said = [w for w in mine if w in quoted]
            if mine and (mine[-1] not in quoted or 2 * len(said) < len(mine)):
                return None  # a figure only with its own words (「法律援助接待咨询」 is not 「实体窗口接待咨询」)
        units = {a.unit for a in answers}
        same_figure = len({(a.citations[0].start if a.citations else 0, a.value) for a in answers}) == 1
        if same_figure or (len(units) != 1 and not units <= _COUNTS):
            return None
        if len({c.report_id for a in answers for c in a.citations[:1]}) != 1 and len(plan.reports) != len(answers):
            return None
        if plan.combine == "ratio":
            return self._text_ratio(plan, answers)
        if plan.combine == "difference":
            first, second = answers
            diff = (first.value or 0) - (second.value or 0)
            formula = f"{format_number(first.value)} − {format_number(second.value)} = {format_number(diff)}"
            named = [re.split(r"多少|几", p)[0].rstrip("的") for p in plan.parts]
            text = f"{named[0]}比{named[1]}{'多' if diff >= 0 else '少'} {format_number(abs(diff))}{first.unit or ''}（{formula}）：" + "；".join(
                f"{p}：{a.answer}" for p, a in zip(plan.parts, answers, strict=True))
            return Answer(question=plan.asked, answer=text, value=abs(diff), unit=first.unit, route="text", formula=formula,
                          citations=[c for a in answers for c in a.citations], scope=plan.scope)
        total = sum(a.value or 0 for a in answers)
        one_unit = len(units) == 1
        formula = " + ".join(format_number(a.value) + ("" if one_unit else a.unit or "") for a in answers) + f" = {format_number(total)}"
        unit = answers[0].unit if one_unit else None  # 21个 + 12场: a count of things, in no one unit
        text = f"合计 {format_number(total)}{unit or ''}（{formula}）：" + "；".join(
            f"{p}：{a.answer}" for p, a in zip(plan.parts, answers, strict=True))
        return Answer(question=plan.asked, answer=text, value=total, unit=unit, route="text", formula=formula,
                      citations=[c for a in answers for c in a.citations], scope=plan.scope)

    @staticmethod
    def _co_located(answers: list[Answer], parts: tuple[str, ...], words: list[set[str]], shared: set[str]) -> list[Answer]:
        """Two parts named in one sentence are read from it (「推送原创短视频1113个、图文1775条」), not one from elsewhere."""
        for i, (answer, own) in enumerate(zip(answers, words, strict=True)):
            mine = [w for w in own - shared if len(w) >= 2]
            for other in answers[:i] + answers[i + 1 :]:
                cited = other.citations[0] if other.citations else None
                if cited is None or not mine or not all(w in cited.quote for w in mine) or (
                        answer.citations and answer.citations[0].quote == cited.quote):
                    continue
                sentence = Sentence(cited.report_id, cited.quote, cited.start, cited.end)
                figure = figure_in(sentence, mine, parts[i], tuple(shared))
                if figure is not None:
                    value, unit = figure[0], figure[1]
                    answers[i] = Answer(question=answer.question, answer=f"{format_number(value)}{unit or ''}（{cited.quote}）",
                                        value=value, unit=unit, route="text", citations=[cited], scope=answer.scope)
                    break
        return answers

    @staticmethod
    def _text_ratio(plan: Plan, answers: list[Answer]) -> Answer | None:
        """The first prose figure divided by the second, both cited (「律师类的件数是律所类的几倍」)."""
        first, second = answers
        if not second.value or first.unit != second.unit:
            return None
        ratio = round((first.value or 0) / second.value, 2)
        formula = f"{format_number(first.value)} ÷ {format_number(second.value)} = {format_number(ratio)}"
        text = f"{format_number(ratio)}倍（{formula}）：" + "；".join(
            f"{p}：{a.answer}" for p, a in zip(plan.parts, answers, strict=True))
        return Answer(question=plan.asked, answer=text, value=ratio, unit="倍", route="text", formula=formula,
                      citations=[c for a in answers for c in a.citations], scope=plan.scope)

    @staticmethod
    def _operation_unsaid(content: str, quoted: str, unit: str | None) -> str | None:
        """The operation asked of prose (a total of two things, an average, a multiple) that the sentence found omits.

        None when the sentence says it (「全年共受理…」 is a total) or when none is asked.
        """
        if TEXT_ASKS_SHARE.search(content) and unit != "%":
            return "比例（百分数）"
        if TEXT_ASKS_REST.search(content):
            return "两个数字之差（还剩多少）"
        container = TEXT_CONTAINER.search(content)
        if container and longest(container.group(1)) not in quoted:
            return f"「{container.group(1)}」中的数字"  # 「申请里跟法律援助有关的」 is not 法律援助案件总数
        if TEXT_TWO_THINGS.search(content) and not TEXT_SAYS["sum"].search(quoted):
            return "两项之和"
        if OP_AVERAGE.search(content) and not TEXT_SAYS["average"].search(quoted):
            return "平均数"
        if OP_MULTIPLE.search(content) and not TEXT_SAYS["multiple"].search(quoted):
            return "倍数"
        both = TEXT_WHICH_OF_TWO.search(content)  # 「民意征集和网上调查，哪个多」: a sentence giving both answers it
        names_both = unit is None and both is not None and all(longest(part) in quoted for part in both.groups())
        if TEXT_ASKS_DIFF.search(content) and not TEXT_SAYS["difference"].search(quoted) and not names_both:
            return "两个数字之差"
        return None

    def _text(self, plan: Plan) -> Answer:
        started = time.perf_counter()
        asked, question, ids = plan.asked, plan.question, plan.text_ids
        if plan.per_report:
            return self._text_per_report(plan)
        if plan.parts:
            summed = self._text_parts(plan)
            if summed is not None:
                return summed
        read = PERIOD_WORDS.sub("", question) if plan.per else question  # the year's figure is what is read
        answer = self.chain.invoke({"question": read, "report_ids": ids})
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
        if answer.value is not None and len(plan.reports) > 1 and ids and asks_sum(question):
            # 「2023到2025年一共发布了多少篇」: one sentence of one report is not the total over several.
            return abstain(asked, f"这个数字只能从各年报告的正文分别读出；找到的是{label(self.index.reports[answer.citations[0].report_id])}的：{answer.answer}")
        if plan.parts and answer.value is not None:
            # Two figures asked to be added, and only one sentence found: it is not their total.
            return abstain(asked, f"问题要把{'、'.join(plan.parts)}相加，报告中只找到一处：{answer.answer}")
        asks_figure = TEXT_ASKS_DIFF.search(plan.content) or TEXT_ASKS_SHARE.search(plan.content)
        if (answer.value is not None or asks_figure) and not plan.per:
            unsaid = self._operation_unsaid(plan.content, "".join(c.quote for c in answer.citations), answer.unit)
            if unsaid:
                # 「…和…加一块多少期」 answered with one of the two: a figure, but not the one asked
                return abstain(asked, f"问题要的是{unsaid}，报告中找到的一处数字不是它：{answer.answer}")
        if plan.per and answer.value is not None:
            return per_period(answer, plan.per, plan.reports[0].year)
        if answer.value is not None and not ids and len(self.catalog.reports) > 1:
            report = self.index.reports[answer.citations[0].report_id]
            answer.answer = f"{answer.answer}（出自{label(report)}报告）"
        return answer
