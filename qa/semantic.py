"""Understanding beyond the word list: the question's words matched to descriptions of every row and column.

Each canonical row and column of the spec has a description: its printed label, what the format notices
(国办公开办函〔2019〕60号, 〔2021〕30号) say it counts, and everyday words for it. Figures that only prose
gives (网上申请, 满意率, 培训) have descriptions too, so a question about them is not pulled to the
nearest table row. The embedding model the index already loads embeds them once (cached per model);
the nearest is accepted only with a clear margin over the next reading, otherwise the candidates are
offered. Thresholds are calibrated on the gold set (README).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.query import Measure

log = logging.getLogger(__name__)
PROSE = "prose"  # the target of a description of a figure only prose gives

_ROWS: tuple[tuple[str, str, str], ...] = (
    ("申请", "本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量：今年收到、接到、受理了多少件信息公开申请，申请量，老百姓和单位申请了多少"),
    ("申请", "上年结转政府信息公开申请数量", "上年结转政府信息公开申请数量：去年没办完、转到今年办理的申请"),
    ("申请", "予以公开", "予以公开：申请的信息全部公开了，同意公开，给了信息"),
    ("申请", "部分公开", "部分公开：区分处理，只公开了一部分信息"),
    ("申请", "不予公开", "不予公开：拒绝公开、不给公开、没给公开的申请合计"),
    ("申请", "不予公开/属于国家秘密", "不予公开，属于国家秘密、涉密"),
    ("申请", "不予公开/其他法律行政法规禁止公开", "不予公开，其他法律行政法规禁止公开"),
    ("申请", "不予公开/危及“三安全一稳定”", "不予公开，危及国家安全、公共安全、经济安全和社会稳定"),
    ("申请", "不予公开/保护第三方合法权益", "不予公开，保护第三方合法权益、个人隐私、商业秘密"),
    ("申请", "不予公开/属于三类内部事务信息", "不予公开，属于人事管理、后勤管理、内部工作流程等内部事务信息"),
    ("申请", "不予公开/属于四类过程性信息", "不予公开，属于讨论记录、过程稿、磋商函、请示报告等过程性信息"),
    ("申请", "不予公开/属于行政执法案卷", "不予公开，属于行政执法案卷信息"),
    ("申请", "不予公开/属于行政查询事项", "不予公开，属于行政查询事项，应通过查询渠道获取"),
    ("申请", "无法提供", "无法提供：没法提供、给不了信息的申请合计"),
    ("申请", "无法提供/本机关不掌握相关政府信息", "无法提供，本机关不掌握相关政府信息，信息不存在、查无此信息、没有这个信息"),
    ("申请", "无法提供/没有现成信息需要另行制作", "无法提供，没有现成信息需要另行制作、加工、统计汇总"),
    ("申请", "无法提供/补正后申请内容仍不明确", "无法提供，补正后申请内容仍不明确、说不清要什么"),
    ("申请", "不予处理", "不予处理：不受理、不处理的申请合计"),
    ("申请", "不予处理/信访举报投诉类申请", "不予处理，信访、举报、投诉类申请"),
    ("申请", "不予处理/重复申请", "不予处理，重复申请、同一申请又提交一遍"),
    ("申请", "不予处理/要求提供公开出版物", "不予处理，要求提供公开出版物、报纸书籍"),
    ("申请", "不予处理/无正当理由大量反复申请", "不予处理，无正当理由大量反复申请"),
    ("申请", "不予处理/要求行政机关确认或重新出具已获取信息", "不予处理，要求行政机关确认或重新出具已获取的信息"),
    ("申请", "其他处理", "其他处理：申请人逾期不补正、不缴费等其他方式处理的申请"),
    ("申请", "其他处理/申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "其他处理，申请人逾期不补正材料，不再处理"),
    ("申请", "其他处理/申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他处理，申请人没按收费通知交费，不再处理"),
    ("申请", "其他处理/其他", "其他处理中的其他情形"),
    ("申请", "总计", "本年度办理结果总计：办完、处理完、答复了、作出决定的申请总数"),
    ("申请", "结转下年度继续办理", "结转下年度继续办理：还没办完、没有答复、转到明年办理的申请"),
    ("复议诉讼", "行政复议", "行政复议：申请人对信息公开答复不服申请复议的案件"),
    ("复议诉讼", "行政诉讼", "行政诉讼：因信息公开被起诉、打官司、吃官司、被告上法庭的案件"),
    ("复议诉讼", "行政诉讼/未经复议直接起诉", "行政诉讼，未经复议直接向法院起诉"),
    ("复议诉讼", "行政诉讼/复议后起诉", "行政诉讼，复议之后又起诉"),
    ("主动公开", "规章", "规章：本年制发、出台、制定的规章件数"),
    ("主动公开", "规范性文件", "行政规范性文件：本年制发、出台的红头文件、规范性文件件数"),
    ("主动公开", "行政许可", "行政许可：本年作出的许可、审批决定数量"),
    ("主动公开", "行政处罚", "行政处罚：本年作出的处罚、罚款决定数量"),
    ("主动公开", "行政强制", "行政强制：本年作出的强制措施、强制执行决定数量"),
    ("主动公开", "行政事业性收费", "行政事业性收费：本年收费金额，收了多少钱（万元）"),
)
_COLS: tuple[tuple[str, str, str], ...] = (
    ("申请", "自然人", "申请人是自然人：个人、公民、群众、老百姓、市民、居民"),
    ("申请", "商业企业", "申请人是商业企业：公司、企业、厂家、商家"),
    ("申请", "科研机构", "申请人是科研机构：研究所、大学、高校、科研单位"),
    ("申请", "社会公益组织", "申请人是社会公益组织：公益组织、社会团体、协会、基金会"),
    ("申请", "法律服务机构", "申请人是法律服务机构：律师事务所、律师、律所"),
    ("申请", "其他", "申请人是其他法人或组织"),
    ("复议诉讼", "结果维持", "复议或诉讼结果维持：原决定被维持、驳回、胜诉"),
    ("复议诉讼", "结果纠正", "复议或诉讼结果纠正：被纠错、撤销、确认违法、败诉"),
    ("复议诉讼", "其他结果", "复议或诉讼其他结果：撤回、调解、终止"),
    ("复议诉讼", "尚未审结", "复议或诉讼尚未审结：还在审理、没有结果"),
)


def describe(measure: Measure) -> str:
    """The descriptions of a measure's row and column (the words a semantic reading accounts for)."""
    row = next((d for t, r, d in _ROWS if t == measure.table and r == measure.row), "")
    col = next((d for t, c, d in _COLS if t == measure.table and c == measure.col), "")
    return row + col


_PROSE: tuple[str, ...] = (
    "网上申请、网络申请、在线申请、当面申请、信函申请、传真申请的数量（申请渠道）",
    "政府网站发布、主动公开的信息条数、访问量、点击量",
    "政务新媒体、微信公众号、微博发布信息条数、粉丝数",
    "政府信息公开培训的场次、人次",
    "12345热线、咨询电话的接听数量和满意率",
    "信息处理费收取金额",
    "新闻发布会、政策解读的场次和篇数",
    "人大建议、政协提案的办理件数",
    "存在的主要问题和改进措施",
)


@dataclass(frozen=True)
class Match:
    """A reading of the question: the measure (or PROSE) and its cosine similarity."""

    target: Measure | str
    score: float


class SemanticMatcher:
    """Nearest row/column descriptions by the index's embedding model, accepted only with a clear margin."""

    def __init__(self, embeddings: Any, cache_dir: Path | None = None, threshold: float = 0.83, margin: float = 0.02) -> None:
        self.embeddings = embeddings
        self.cache_dir = cache_dir
        self.threshold = threshold
        self.margin = margin
        self._targets: list[Measure | str] = [Measure(t, r) for t, r, _ in _ROWS] + [PROSE] * len(_PROSE)
        self._texts = [d for _, _, d in _ROWS] + list(_PROSE)
        self._col_targets = [(t, c) for t, c, _ in _COLS]
        self._col_texts = [d for _, _, d in _COLS]
        self._matrix: np.ndarray | None = None
        self._col_matrix: np.ndarray | None = None
        self._embedding = threading.Lock()  # a server's first users arrive together: the descriptions are embedded once

    def _vectors(self) -> tuple[np.ndarray, np.ndarray]:
        with self._embedding:
            if self._matrix is None or self._col_matrix is None:
                texts = self._texts + self._col_texts
                matrix = self._load(texts)
                self._matrix, self._col_matrix = matrix[: len(self._texts)], matrix[len(self._texts) :]
            return self._matrix, self._col_matrix

    def _load(self, texts: list[str]) -> np.ndarray:
        """The descriptions' vectors, from the cache when the model and the descriptions are unchanged."""
        model = str(getattr(self.embeddings, "model_name", type(self.embeddings).__name__))
        key = hashlib.sha256(json.dumps([model, texts], ensure_ascii=False).encode()).hexdigest()[:16]
        path = self.cache_dir / f"descriptions-{key}.npy" if self.cache_dir else None
        if path is not None and path.exists():
            return np.load(path)
        # Descriptions are embedded as queries too: question and description are the same kind of text.
        matrix = np.asarray([self.embeddings.embed_query(t) for t in texts], dtype=np.float32)
        if path is not None:  # written beside and moved in: another process never reads it half written
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, staged = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".npy")
            try:
                with os.fdopen(handle, "wb") as out:
                    np.save(out, matrix)
                os.replace(staged, path)
            finally:
                Path(staged).unlink(missing_ok=True)
        return matrix

    def rank(self, text: str) -> list[Match]:
        """Every row reading of a text, nearest first (one entry per target, PROSE once)."""
        rows, _ = self._vectors()
        query = np.asarray(self.embeddings.embed_query(text), dtype=np.float32)
        scores = rows @ query
        best: dict[str, Match] = {}
        for target, score in zip(self._targets, scores.tolist(), strict=True):
            key = target if isinstance(target, str) else target.row
            if key not in best or score > best[key].score:
                best[key] = Match(target, float(score))
        return sorted(best.values(), key=lambda m: m.score, reverse=True)

    def decide(self, text: str) -> tuple[Match | None, list[Match]]:
        """The accepted reading (None when unsure) and the close candidates (for a clarifying question)."""
        ranked = self.rank(text)
        if not ranked:
            return None, []
        top = ranked[0]
        close = [m for m in ranked if top.score - m.score < self.margin and not isinstance(m.target, str)]
        log.debug("semantic %r: %s", text, [(getattr(m.target, "row", m.target), round(m.score, 3)) for m in ranked[:4]])
        if top.score < self.threshold:
            return None, []
        if len(ranked) > 1 and top.score - ranked[1].score < self.margin:
            return None, close[:4]
        return top, []

    def column(self, text: str, table: str) -> str | None:
        """The applicant/result column a text names, when one is clearly nearest (None otherwise)."""
        _, cols = self._vectors()
        query = np.asarray(self.embeddings.embed_query(text), dtype=np.float32)
        scored = sorted(
            ((float(s), c) for (t, c), s in zip(self._col_targets, (cols @ query).tolist(), strict=True) if t == table),
            reverse=True,
        )
        if scored and scored[0][0] >= self.threshold and (len(scored) == 1 or scored[0][0] - scored[1][0] >= self.margin):
            return scored[0][1]
        return None
