"""CX KPIs, exactly as defined in `workbench.kpis.definitions`, per quarter and segment."""
from .compute import OUTPUT_COLUMNS, compute_kpis, kpi_row, overdue_action_items
from .definitions import DEFINITIONS, KPI_IDS, KpiDefinition, definitions_markdown
from .inputs import KpiInputError, load_kpi_tables

__all__ = [
    "compute_kpis", "kpi_row", "load_kpi_tables", "overdue_action_items", "definitions_markdown",
    "DEFINITIONS", "KPI_IDS", "KpiDefinition", "KpiInputError", "OUTPUT_COLUMNS",
]
