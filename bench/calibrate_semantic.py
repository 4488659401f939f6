"""Calibrate the semantic matcher's floor and margin on the gold set: right / wrong / abstained per setting.

    python bench/calibrate_semantic.py            # the shipped gold set over the bundled corpus (≈ 5 min)

Each setting re-runs every gold question (conversations with their history) with the real model.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from corpus import BUNDLED_CORPUS, Settings  # noqa: E402
from eval.gold import load_gold  # noqa: E402
from eval.scoring import outcome  # noqa: E402
from qa import Assistant  # noqa: E402


def main() -> None:
    """Print right/wrong/abstained for each (threshold, margin) of a small grid."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--thresholds", default="0.80,0.83,0.86,0.90")
    parser.add_argument("--margins", default="0.01,0.015,0.02,0.03")
    args = parser.parse_args()
    settings = Settings.from_env()
    assistant = Assistant.from_corpus(BUNDLED_CORPUS, settings=settings, progress=False)
    items = load_gold()
    matcher = assistant.understander.matcher
    assert matcher is not None
    print("threshold\tmargin\tright\twrong\tabstained")
    for threshold in (float(x) for x in args.thresholds.split(",")):
        for margin in (float(x) for x in args.margins.split(",")):
            matcher.threshold, matcher.margin = threshold, margin
            counts = {"right": 0, "wrong": 0, "abstained": 0}
            for item in items:
                history = []
                for earlier in item.history:
                    history.append(assistant.ask(earlier, history=history or None, reports=list(item.reports) or None))
                answer = assistant.ask(item.question, history=history or None, reports=list(item.reports) or None)
                counts[outcome(item, answer.to_dict())] += 1
            print(f"{threshold}\t{margin}\t{counts['right']}\t{counts['wrong']}\t{counts['abstained']}", flush=True)


if __name__ == "__main__":
    main()
