"""Carrying out a text Plan: the extractive chain over the reports in scope, and what the prose gives beyond it.

Beyond one sentence: figures of several reports, two or more named figures added, divided or subtracted, a year's
figure per period — each figure only with its own words, never a figure the sentence does not state as the one asked.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from corpus import Report
from corpus.about import DISCLOSURE
from qa.answer import Answer, abstain, format_number
from qa.asked_words import CONTAINED, measured as counted_thing, printed_as, whole_then_part
from qa.coverage import unexplained
from qa.operations import asks_sum
from qa.over_years import over_years
from qa.parts import COUNTS as _COUNTS, text_ratio
from qa.per_head import per_capita
from qa.plan import Plan
from qa.render import per_period
from qa.said import said_in
from qa.sentences import terms
from qa.table_route import label
from qa.text_route import Sentence, figure_in, figures_said, longest
from qa.text_words import TEXT_EACH_ASKED
from qa.vocabulary import (
    ASK_QUESTION_WORDS,
    ASK_TEXT_QUALIFIER as _TEXT_QUALIFIER,
    MOST,
    OP_AVERAGE,
    OP_MULTIPLE,
    PERIOD_WORDS,
    TEXT_ASKS_DIFF,
    TEXT_ASKS_REST,
    TEXT_ASKS_SHARE,
    TEXT_CHANGE_VERB,
    TEXT_COMPARISON,
    TEXT_CONTAINER,
    TEXT_SAYS,
    TEXT_SPAN,
    TEXT_TWO_THINGS,
    TEXT_WHICH_OF_TWO,
    WHICH_YEAR,
)

if TYPE_CHECKING:
    from qa.assistant import Assistant



class ProseReader:
    """Reads a text Plan's answer from the reports' sentences (through the assistant's chain)."""

    def __init__(self, owner: Assistant) -> None:
        self.owner = owner

    @property
    def chain(self) -> Any:
        """The text route's LangChain chain."""
        return self.owner.chain

    def read(self, plan: Plan) -> Answer:
        """The answer the prose gives to a text Plan (or an abstention saying why not)."""
        return self._text(plan)

    def _text_per_report(self, plan: Plan) -> Answer:
        """A prose question over several years of one agency: each year's report read on its own.

        「2023到2025年一共发布了多少篇政策解读」 is the sum of three sentences, each cited; a year whose report
        does not say it leaves the total open (the years found are listed, and the answer abstains).
        """
        found: list[tuple[Report, Answer]] = []
        lacking: list[Report] = []
        asked = plan.question
        if TEXT_ASKS_DIFF.search(plan.content) or TEXT_COMPARISON.search(plan.content):
            asked = TEXT_COMPARISON.sub("", asked)  # 「2024年比2023年少了多少篇」: each report is asked its own figure
            if TEXT_SPAN.search(asked):  # 「从2016年到2023年增加了多少亿元」: each year's level, then the change
                asked = TEXT_CHANGE_VERB.sub("", TEXT_SPAN.sub("", asked))
        if OP_AVERAGE.search(plan.content):  # 「这四年的年均值」: each year's own figure is what its report is asked
            asked = re.sub(r"的?(?:年均值|年平均值|平均值|年均数|平均数|均值|年均|平均每年|每年平均|平均)", "", asked)
        if WHICH_YEAR.search(plan.content):  # 「哪一年…最多」: each report its own figure, then the years compared
            asked = MOST.sub("", WHICH_YEAR.sub("", asked))
        multiple = bool(OP_MULTIPLE.search(plan.content))
        if multiple:  # 「2022年的信息条数是2021年的多少倍」: each report its own figure, then divided as asked
            asked = re.sub(r"是\s*(?:(?:19|20)?\d\d\s*年)?的?(?:多少|几)倍", "", asked)
        asked = re.sub(r"(?<!\d)(?:19|20)?\d\d\s*年(?=[末底初度]?)", "", asked)  # each report is of its own year (「22年」 too)
        for report in sorted(plan.reports, key=lambda r: r.year or 0):
            one = self.chain.invoke({"question": asked, "report_ids": [report.id]}) or self._cell_of(asked, report)
            (found.append((report, one)) if one is not None else lacking.append(report))
        if not found:
            return abstain(plan.asked, "在这些报告中都没有找到足够可靠的答案")
        return over_years(plan, found, lacking)

    @staticmethod
    def _cell_of(asked: str, report: Report) -> Answer | None:
        """A year whose bulletin prints the figure in a table only (2023's 表14 城镇常住居民人均可支配收入): its cell."""
        if report.kind in ("", DISCLOSURE):
            return None
        from qa.anyreport import answer_any

        cell = answer_any(asked, asked, report)
        return cell if cell is not None and not cell.abstained and cell.value is not None else None

    def _text_parts(self, plan: Plan) -> Answer | None:
        """「培训和讲座一共办了多少场」: each named figure from its own sentence, added when both are found in one unit."""
        if plan.given is not None:  # the whole is the last answer's figure: only the part is read
            part = self.chain.invoke({"question": printed_as(plan.parts[0], plan.reports[:2]), "report_ids": plan.text_ids})
            cited = {c.quote for c in plan.given.citations}
            if part is None or part.value is None or not (part.citations and part.citations[0].quote not in cited
                                                          or part.value != plan.given.value):
                return None
            return text_ratio(plan, [part, plan.given])
        printed = tuple(printed_as(part, plan.reports[:2]) for part in plan.parts)  # each in the report's words
        words = [set(terms(p)) for p in printed]
        shared = set.intersection(*words) if words else set()  # 「公开属性审查和发布审查」: 审查 anchors neither
        found = [self._table_part(part, plan) or self._part(own, plan.text_ids, shared)
                 for part, own in zip(plan.parts, printed, strict=True)] if plan.combine == "share" else \
            [self._part(own, plan.text_ids, shared) for own in printed]
        found = [self._inside(own, a, plan.text_ids, shared) for own, a in zip(printed, found, strict=True)]
        if any(a is None or a.value is None for a in found):
            return None
        printed = tuple(CONTAINED.split(own)[-1] if a is not None and a.question != own else own
                        for own, a in zip(printed, found, strict=True))
        words = [set(terms(p)) for p in printed]
        answers = self._co_located([a for a in found if a is not None], printed, words, shared)
        for part, answer, own in zip(printed, answers, words, strict=True):
            quoted = "".join(c.quote for c in answer.citations)
            mine = sorted((w for w in own - shared if len(w) >= 2 and not ASK_QUESTION_WORDS.fullmatch(w)
                           and not w.isdigit()),  # 「12348热线」: a number names the thing, the sentence may not
                          key=lambda w: (len(w), w))  # in one order on every run (a set's order is not)
            said = [w for w in mine if said_in(w, quoted)]  # 「外币存款」 (jieba's cut) is said by 「本外币各项存款」
            longest = [w for w in mine if len(w) == len(mine[-1])] if mine else []
            if mine and (any(not said_in(w, quoted) for w in longest) or 2 * len(said) < len(mine)):
                return None  # a figure only with its own words (「法律援助接待咨询」 is not 「实体窗口接待咨询」)
            # the shared words after a part's own (the measure both are of) are said too: 城镇…人均消费支出 is no
            # 城镇…人均可支配收入; not the container before them (「基本支出里人员经费」 said 「其中:人员经费」)
            start = min((part.find(w) for w in mine if w in part), default=len(part))
            common = [w for w in shared if len(w) >= 2 and not ASK_QUESTION_WORDS.fullmatch(w) and not w.isdigit()
                      and part.find(w) > start]
            if any(w not in quoted for w in common):
                return None
            inner = CONTAINED.split(part)[-1]  # 「法律援助里刑事案件」: what is asked is inside 法律援助, said itself
            if inner != part and any(not said_in(w, quoted) for w in mine if w in inner):
                return None
        if plan.combine == "per":
            return per_capita(plan, answers)  # 「人均…（按常住人口算）」: the amount over the people, in 元 a head
        units = {a.unit for a in answers}
        same_figure = len({(a.citations[0].start if a.citations else 0, a.value) for a in answers}) == 1
        asked_unit = re.search(r"多少\s*(元|吨|亩|[个台家人件辆户项次场名])$", plan.parts[0]) if plan.combine == "each" else None
        if asked_unit and any(asked_unit.group(1) not in (a.unit or "") for a in answers):
            return None  # 「各卖了多少台」 answered in 万元, 「城镇…多少元」 with 城镇人口 in 万: not what was asked
        if any(a.unit == "%" and not TEXT_ASKS_SHARE.search(p) for p, a in zip(plan.parts, answers, strict=False)):
            return None  # 「第一产业增加值是多少」 answered with its share of GDP
        if plan.combine == "each" and not same_figure:  # 「城镇和农村居民人均可支配收入分别是多少」: each with its sentence
            return Answer(question=plan.asked, answer="；".join(f"{p}：{a.answer}" for p, a in zip(plan.parts, answers, strict=True)),
                          route="text", citations=[c for a in answers for c in a.citations], scope=plan.scope)
        if same_figure or (len(units) != 1 and not units - {None} <= _COUNTS):
            return None
        if len({c.report_id for a in answers for c in a.citations[:1]}) != 1 and len(plan.reports) != len(answers):
            return None
        if plan.combine in ("ratio", "share"):
            if plan.combine == "share" and not self._each_one(answers, words, shared) and not whole_then_part(*answers):
                return None
            return text_ratio(plan, answers)
        if plan.combine == "difference":
            first, second = answers
            diff = round((first.value or 0) - (second.value or 0), 6)  # 1615.23 − 339.37 is 1275.86, not …0000001
            diff = int(diff) if float(diff).is_integer() else diff
            formula = f"{format_number(first.value)} − {format_number(second.value)} = {format_number(diff)}"
            named = [re.sub(r"(?:是|有)$", "", re.split(r"多少|几", p)[0]).rstrip("的") for p in plan.parts]
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

    def _inside(self, part: str, found: Answer | None, ids: list[str] | None, shared: set[str]) -> Answer | None:
        """A part named inside a container (「法律援助里刑事案件」) whose sentence does not say the inner thing.

        The inner thing is read on its own, where the paragraph before its sentence (300 characters) names the container.
        """
        inner = CONTAINED.split(part)[-1]
        if inner == part or found is not None and found.citations and \
                all(said_in(w, found.citations[0].quote) for w in terms(inner) if len(w) >= 2):
            return found
        alone = self._part(inner, ids, shared)
        cited = alone.citations[0] if alone is not None and alone.citations else None
        report = self.owner.index.reports.get(cited.report_id) if cited is not None else None
        container = [w for w in terms(part[: len(part) - len(inner)]) if len(w) >= 2]
        before = report.text[max(0, cited.start - 300) : cited.end] if report is not None and cited is not None else ""
        return alone if container and all(w in before for w in container) else found

    def _each_one(self, answers: list[Answer], words: list[set[str]], shared: set[str]) -> bool:
        """Whether each part's own words name one figure in its report, not several (each item's 全年预算)."""
        for answer, own in zip(answers, words, strict=True):
            report = self.owner.index.reports.get(answer.citations[0].report_id) if answer.citations else None
            mine = [w for w in own if len(w) >= 2 and not w.isdigit()]  # 「事业运行全年预算」: the item named too
            if report is not None and len(figures_said(report, mine, answer.question)) > 1:
                return False
        return True

    def _table_part(self, part: str, plan: Plan) -> Answer | None:
        """A side of a share one table cell states in full (「新收的申请里网络申请占多少」: 本年新收 118 ÷ the prose's 96)."""
        if len(plan.reports) != 1 or plan.reports[0].kind not in ("", DISCLOSURE):
            return None
        query = self.owner.understander.understand(part, [], 1, 1).query
        if query is None or query.op != "value" or len(query.measures) != 1 or unexplained(part, query):
            return None
        answer = self.owner.executor.run(part, query, [plan.reports[0].id], plan.scope)
        return None if answer.abstained or answer.value is None else answer

    def _part(self, part: str, ids: list[str] | None, shared: set[str]) -> Answer | None:
        """One named part of a sum or ratio, read on its own words.

        Where the words both parts share are the measure (「视频号累计观看量」 and 「直播累计观看量」), the figure of the
        same sentence that they anchor too.
        """
        if shared and not set(terms(part)) - shared:  # 「资本充足率」 beside 「核心一级资本充足率」: all its words are the
            return self.chain.invoke({"question": part, "report_ids": ids})  # other's too; its own name is the anchor
        own = self.chain.invoke({"question": part, "report_ids": ids, "avoid": tuple(shared)})
        if not shared or own is None or not own.citations:
            return own
        both = self.chain.invoke({"question": part, "report_ids": ids})
        core = re.sub(r"\s+", "", re.sub(r"(?:是|有|为)?(?:多少|几).*$", "", part))
        if both is not None and both.citations and len(core) >= 4 and core in re.sub(r"\s+", "", both.citations[0].quote) \
                and core not in re.sub(r"\s+", "", own.citations[0].quote):
            return both  # the part's name as written (「一般公共预算财政拨款支出」), not 「…财政拨款基本支出」 around 支出
        if both is None or not both.citations or both.value == own.value or both.citations[0].start != own.citations[0].start:
            return own
        return both  # 「视频号共制作并发布短视频 584 条,累计观看量 1924252 次」: 累计观看量 is what is asked of 视频号

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
                if figure is not None and figure[0] != other.value:  # not the other's own figure (政策解读共132件)
                    value, unit = figure[0], figure[1]
                    answers[i] = Answer(question=answer.question, answer=f"{format_number(value)}{unit or ''}（{cited.quote}）",
                                        value=value, unit=unit, route="text", citations=[cited], scope=answer.scope)
                    break
        return answers

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
        read, question = printed_as(read, plan.reports[:2]), printed_as(question, plan.reports[:2])
        answer = self.chain.invoke({"question": read, "report_ids": ids})
        if answer is None:
            return abstain(asked, "在报告中没有找到足够可靠的答案")
        answer.question = asked
        answer.timings_ms["retrieve_and_extract"] = (time.perf_counter() - started) * 1000
        quoted = "".join(c.quote for c in answer.citations)
        cited = self.owner.index.reports.get(answer.citations[0].report_id) if answer.citations else None
        measured = counted_thing(printed_as(PERIOD_WORDS.sub("", plan.content), plan.reports[:2])) \
            if cited is not None and cited.kind in ("", DISCLOSURE) else None
        if measured and cited is not None and measured in plan.content:  # 「网络申请是多少」: 网络 with the word after it,
            at = plan.content.find(measured) + len(measured)  # as the report prints it, is the thing counted
            wider = measured + plan.content[at : at + 2]
            if re.fullmatch(r"[\u4e00-\u9fff]+", wider) and wider in re.sub(r"\s+", "", cited.text):
                measured = wider
        if answer.value is not None and measured and not said_in(measured, re.sub(r"\s+", "", quoted)) \
                and not (measured.endswith("率") and said_in(measured[:-1], re.sub(r"\s+", "", quoted))):
            # 「政务新媒体粉丝总数多少」 answered with 「新开设1个政务新媒体」: the thing counted is not in the sentence
            return abstain(asked, f"报告中没有找到说到「{measured}」的数字")
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
            return abstain(asked, f"这个数字只能从各年报告的正文分别读出；找到的是{label(self.owner.index.reports[answer.citations[0].report_id])}的：{answer.answer}")
        if answer.value is not None and not plan.parts and TEXT_EACH_ASKED.search(plan.content):
            # 「王朝网和海洋网的渠道分别有多少家」 answered with one figure: the question asks two
            return abstain(asked, f"问题问的是几项各自的数字，报告中只读出一处：{answer.answer}")
        if plan.parts and answer.value is not None:
            # Two figures asked to be added, and only one sentence found: it is not their total.
            done = {"each": "分别读出", "ratio": "相除", "share": "相除", "difference": "相减", "per": "相除"}.get(plan.combine, "相加")
            return abstain(asked, f"问题要把{'、'.join(plan.parts)}{done}，报告中只找到一处：{answer.answer}")
        asks_figure = TEXT_ASKS_DIFF.search(plan.content) or TEXT_ASKS_SHARE.search(plan.content)
        if (answer.value is not None or asks_figure) and not plan.per:
            unsaid = self._operation_unsaid(plan.content, "".join(c.quote for c in answer.citations), answer.unit)
            if unsaid:
                # 「…和…加一块多少期」 answered with one of the two: a figure, but not the one asked
                return abstain(asked, f"问题要的是{unsaid}，报告中找到的一处数字不是它：{answer.answer}")
        if plan.per and answer.value is not None:
            return per_period(answer, plan.per, plan.reports[0].year)
        if answer.value is not None and not ids and len(self.owner.catalog.reports) > 1:
            report = self.owner.index.reports[answer.citations[0].report_id]
            answer.answer = f"{answer.answer}（出自{label(report)}报告）"
        return answer
