"""Questions in, exact cited answers out: `from qa import Assistant`."""

from qa.answer import Answer, Citation
from qa.assistant import Assistant
from qa.query import Measure, Query, QueryScope
from qa.table_route import lookup_cell_value, make_lookup_tool
from qa.tools import make_query_tool

__all__ = [
    "Answer",
    "Assistant",
    "Citation",
    "Measure",
    "Query",
    "QueryScope",
    "lookup_cell_value",
    "make_lookup_tool",
    "make_query_tool",
]
