"""Optional LLM: phrases a fuller answer from the same cited evidence; it never supplies a figure."""

from __future__ import annotations

import re

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from corpus import ReportQAError, Settings
from qa.answer import Answer

SYSTEM = (
    "你是政府信息公开年度报告的问答助手。只根据给出的证据用中文简洁回答，"
    "不要编造任何数字；所有数字必须原样来自证据。"
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


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


def phrase(answer: Answer, llm: BaseChatModel) -> Answer:
    """Let the LLM phrase the answer from its evidence; keep the extractive answer if it adds any number."""
    evidence = "\n".join(f"[{i + 1}] {c.quote}" for i, c in enumerate(answer.citations))
    prompt = f"问题：{answer.question}\n证据：\n{evidence}\n已知答案：{answer.answer}\n请用一两句话回答。"
    try:
        text = str(llm.invoke([SystemMessage(SYSTEM), HumanMessage(prompt)]).content).strip()
    except Exception:  # noqa: BLE001 - an unreachable endpoint must not lose the extractive answer
        return answer
    allowed = _numbers(evidence) | _numbers(answer.answer)
    if not text or not _numbers(text) <= allowed:
        return answer
    answer.answer = text
    return answer
