"""CX Insight Workbench: the voice of the customer turned into themes, requirements, KPIs and reports."""

__version__ = "0.1.0"
