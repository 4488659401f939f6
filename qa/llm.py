"""Optional LLM: phrases a fuller answer from the same cited evidence; it never supplies a figure."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import BaseTool

from corpus import ReportQAError, Settings
from qa.answer import Answer, Citation

SYSTEM = (
    "你是政府信息公开年度报告的问答助手。只根据给出的证据用中文简洁回答，"
    "不要编造任何数字；所有数字必须原样来自证据。"
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_MAX_TOOL_ROUNDS = 3


def make_chat_model(settings: Settings) -> BaseChatModel:
    """A LangChain chat model for `REPORTQA_LLM_BASE_URL`: Ollama when the URL says so, else OpenAI-compatible."""
    url = settings.llm_base_url or ""
    try:
        if "11434" in url or "ollama" in url:
            from langchain_ollama import ChatOllama

            return ChatOllama(base_url=url, model=settings.llm_model or "qwen2.5")
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(base_url=url, model=settings.llm_model or "gpt-4o-mini", api_key=settings.llm_api_key or "none")  # type: ignore[arg-type]
    except ImportError as exc:
        raise ReportQAError(f"REPORTQA_LLM_BASE_URL is set but {exc.name} is missing: pip install 'reportqa[llm]'") from exc


def _numbers(text: str) -> set[str]:
    return {n.rstrip("0").rstrip(".") if "." in n else n for n in _NUMBER.findall(text)}


def _call_tools(model: Any, messages: list[Any], tools: dict[str, BaseTool]) -> tuple[str, list[dict[str, Any]]]:
    """Let the model call the table tool (a few rounds at most); its final text and the tools' results."""
    results: list[dict[str, Any]] = []
    reply = model.invoke(messages)
    for _ in range(_MAX_TOOL_ROUNDS):
        calls = getattr(reply, "tool_calls", None) or []
        if not calls:
            break
        messages.append(reply)
        for call in calls:
            tool = tools.get(call["name"])
            result = tool.invoke(call["args"]) if tool else {"error": f"no tool named {call['name']}"}
            results.append(result)
            messages.append(ToolMessage(content=json.dumps(result, ensure_ascii=False), tool_call_id=call["id"]))
        reply = model.invoke(messages)
    return str(reply.content).strip(), results


def phrase(answer: Answer, llm: BaseChatModel, tools: Sequence[BaseTool] = ()) -> Answer:
    """Let the LLM phrase the answer from its evidence (and cells it looks up with the table tool).

    Any number in its text must appear in the evidence or in a looked-up cell; otherwise the extractive
    answer is kept. Cells it looked up are cited too.
    """
    evidence = "\n".join(f"[{i + 1}] {c.quote}" for i, c in enumerate(answer.citations))
    prompt = f"问题：{answer.question}\n证据：\n{evidence}\n已知答案：{answer.answer}\n请用一两句话回答。"
    model: Any = llm
    if tools:
        try:
            model = llm.bind_tools(list(tools))
        except NotImplementedError:  # a chat model without tool calling still phrases
            model = llm
    try:
        text, results = _call_tools(model, [SystemMessage(SYSTEM), HumanMessage(prompt)], {t.name: t for t in tools})
    except Exception:  # noqa: BLE001 - an unreachable endpoint must not lose the extractive answer
        return answer
    looked_up = [c for r in results for c in r.get("citations", [])]
    allowed = _numbers(evidence) | _numbers(answer.answer) | _numbers(" ".join(c.get("quote", "") for c in looked_up))
    allowed |= {str(r["value"]) for r in results if r.get("value") is not None}
    allowed |= _numbers(" ".join(str(r.get("answer", "")) for r in results))  # query_cells: computed from cited cells
    if not text or not _numbers(text) <= allowed:
        return answer
    answer.answer = text
    answer.citations = answer.citations + [Citation(**c) for c in looked_up if Citation(**c) not in answer.citations]
    return answer
