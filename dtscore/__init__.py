"""dtscore — scoring engine for Vietnamese digital-transformation competition criteria.

Data flows: criteria file → engine → (UDFs | workbook builder) → filled workbook →
validation → consolidation → history. See docs/DESIGN.md.
"""

__version__ = "0.1.0"
