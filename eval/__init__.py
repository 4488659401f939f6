"""Evaluation: the gold Q&A set run through reportqa and two baselines, with honest metrics."""

from eval.gold import GoldItem, load_gold
from eval.harness import EvalResult, run_eval
from eval.scoring import is_correct

__all__ = ["EvalResult", "GoldItem", "is_correct", "load_gold", "run_eval"]
