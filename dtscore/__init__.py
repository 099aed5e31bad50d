"""dtscore — scoring engine for Vietnamese digital-transformation competition criteria.

Layers and data flow: docs/DESIGN.md (criteria → rules → scoring → workbook I/O → validation →
consolidation/reports → Excel runtimes and CLI; imports only point down).
"""

__version__ = "0.1.0"
