"""The formulas a template puts in its computed cells, by defined name — what validation compares a
returned workbook against (FORMULA_TAMPERED) and what the Excel button puts back into a cell.

Derived from the builder itself (the template is built in memory and its named formula cells read
back), so it can never drift from what `build_template` writes.
"""

from functools import lru_cache

from dtscore.criteria import CriteriaSet, load_set


def expected_formulas(cs: CriteriaSet, level_code: str, mode: str) -> dict:
    """{defined name: "=formula"} for every named cell of the template that holds a formula."""
    return dict(_cached(cs.path, cs.fingerprint, level_code, mode))


@lru_cache(maxsize=32)
def _cached(path, fingerprint, level_code, mode):
    from openpyxl.utils.cell import range_boundaries

    from .builder import make_workbook

    wb = make_workbook(load_set(path), level_code, formulas=mode)
    out = []
    for name, defined in wb.defined_names.items():
        for sheet, coord in defined.destinations:
            col, row, _, _ = range_boundaries(coord.replace("$", ""))
            value = wb[sheet].cell(row, col).value
            if isinstance(value, str) and value.startswith("="):
                out.append((name, value))
    return tuple(out)
