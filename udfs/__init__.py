"""dtscore in Excel through xlwings.

`dtscore.udfs.functions` holds the DT_* worksheet functions (the classic add-in's "UDF Modules" setting is
`dtscore.udfs.functions`); `udfs.adapters` turns Excel arguments into engine values and results back.
Nothing is imported here, so that loading one module does not load the others.
"""
