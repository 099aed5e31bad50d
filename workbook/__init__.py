"""Workbooks: the template builder, the reader of filled workbooks and LibreOffice recalculation
(installed as dtscore.workbook). Nothing is imported here, so that reading does not load building."""
