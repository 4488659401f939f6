"""Questions in, exact cited answers out: `from qa import Assistant`."""

from qa.answer import Answer, Citation
from qa.assistant import Assistant
from qa.table_route import lookup_cell_value, make_lookup_tool

__all__ = ["Answer", "Assistant", "Citation", "lookup_cell_value", "make_lookup_tool"]
