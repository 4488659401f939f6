"""Each package's public surface is small and pinned."""

import corpus
import eval as evaluation
import qa


def test_qa_exports_the_assistant_and_its_answer():
    assert qa.__all__ == [
        "Answer", "Assistant", "Citation", "Measure", "Query", "QueryScope",
        "lookup_cell_value", "make_lookup_tool", "make_query_tool",
    ]


def test_eval_exports_the_harness():
    assert evaluation.__all__ == ["EvalResult", "GoldItem", "is_correct", "load_gold", "run_eval"]


def test_corpus_exports_reading_and_the_error_hierarchy():
    assert {"read_report", "read_corpus", "Report", "Cell", "ReportQAError", "Settings", "BUNDLED_CORPUS"} <= set(corpus.__all__)
    assert all(hasattr(corpus, name) for name in corpus.__all__)
    assert issubclass(corpus.UnreadableReportError, corpus.ReportQAError)
