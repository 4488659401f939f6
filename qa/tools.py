"""`query_cells`: a `Query` as structured arguments, for an LLM agent — figures with formula and citations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.tools import BaseTool, tool

from corpus import ReportQAError

if TYPE_CHECKING:
    from qa.assistant import Assistant


def make_query_tool(assistant: Assistant) -> BaseTool:
    """The `query_cells` LangChain tool over an assistant's cell database."""

    @tool
    def query_cells(
        measures: list[dict[str, Any]],
        op: str = "value",
        agencies: list[str] | None = None,
        years: list[int] | None = None,
        all_reports: bool = False,
        denominator: dict[str, Any] | None = None,
        definition: str | None = None,
        n: int | None = None,
        descending: bool = True,
        per: str | None = None,
        condition: list[Any] | None = None,
        pooled: bool = False,
    ) -> dict[str, Any]:
        """Compute a figure from the standard tables of 政府信息公开工作年度报告, with every cell cited.

        Args:
            measures: cells to read, each {"table": "申请"|"复议诉讼"|"主动公开", "row": a canonical row key
                such as "本年新收政府信息公开申请数量", "予以公开", "不予公开" (a group: sum of its sub-rows),
                "行政复议", "行政诉讼", "规章"; "col": 自然人 … 总计 (申请), 结果维持 … 总计 (复议诉讼), or null}.
            op: value | sum | difference | rate | growth | multiple | average | rank | trend | count | check.
            agencies: agency names as people write them ("洪泽区", "淮安市人民政府"); empty for all.
            years: report years; empty for all.
            all_reports: rank/sum/count over every report in the corpus.
            denominator: for op "rate", the measure divided by (default: the 申请 总计 row).
            definition: "公开率" for the disclosure rate (予以公开 ÷ 办理结果总计).
            n: for op "rank", how many to return (top-N).
            descending: for op "rank", highest first.
            per: for op "average", "quarter" or "month".
            condition: for op "count", e.g. ["=", 0] or ["<", 50].
            pooled: for op "rate" over several reports, Σ numerators ÷ Σ denominators.

        Returns the answer text, the value, its unit, the formula of a computed figure and the cited cells.

        """
        data = {
            "op": op, "measures": measures, "denominator": denominator, "definition": definition, "n": n,
            "descending": descending, "per": per, "condition": condition, "pooled": pooled,
            "scope": {"agencies": agencies or [], "years": years or [], "all_reports": all_reports},
        }  # fmt: skip
        try:
            answer = assistant.run_query(data)
        except ReportQAError as exc:
            return {"value": None, "error": str(exc)}
        result = answer.to_dict()
        return {k: result.get(k) for k in ("answer", "value", "unit", "formula", "abstained", "citations", "query")}

    return query_cells
