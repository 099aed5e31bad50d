"""The formulas a template puts in its computed cells, by defined name — what validation compares a
returned workbook against (FORMULA_TAMPERED) and what the Excel button puts back into a cell.

Derived from the builder itself (the template is built in memory and its named formula cells read
back), so it can never drift from what `build_template` writes. Building a template costs a
command start more than everything else it does, so the answer is kept on disk, keyed by the
set's fingerprint, the level, the formula mode and the builder's own source: a new process reads
a small JSON file instead of building (and importing openpyxl for) a workbook.
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from dtscore import rules
from dtscore.atomic import write_text_atomic
from dtscore.cachedir import cache_dir
from dtscore.criteria import CriteriaSet
from dtscore.errors import DtscoreError

# every module here shapes what a template holds, and each rule kind writes its leaf formulas
_BUILDER = (Path(__file__).resolve().parent, Path(rules.__file__).resolve().parent)


def expected_formulas(cs: CriteriaSet, level_code: str, mode: str) -> dict:
    """{defined name: "=formula"} for every named cell of the template that holds a formula."""
    key = _key(cs.fingerprint, level_code, mode)
    if key not in _KNOWN:
        _KNOWN[key] = _read_or_build(cs, level_code, mode, f"formulas-{key}.json")
    return dict(_KNOWN[key])


_KNOWN: dict = {}  # this process's answers, by cache key


def expected_locations(cs: CriteriaSet, level_code: str, mode: str) -> dict:
    """{defined name: (sheet, "H12")} for every name the template defines: where each input, score
    and header cell belongs (a returned workbook's names must still point there)."""
    key = "names-" + _key(cs.fingerprint, level_code, mode)
    if key not in _KNOWN:
        _KNOWN[key] = _read_or_build(cs, level_code, mode, f"{key}.json", _locations_from_template)
    return {name: (sheet, coord) for name, sheet, coord in _KNOWN[key]}


def _read_or_build(cs, level_code, mode, name: str, build=None) -> tuple:
    """The answer kept in the cache folder under `name`, else built (and kept when there is a folder)."""
    folder = cache_dir()
    if folder is not None:
        try:
            return tuple(tuple(pair) for pair in json.loads((folder / name).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            pass  # not computed yet (or unreadable): build once and keep it
    pairs = (build or _from_template)(cs, level_code, mode)
    try:
        if folder is not None:
            write_text_atomic(folder / name, json.dumps(pairs, ensure_ascii=False))
    except DtscoreError:
        pass  # a read-only home: the next process builds again, nothing worse
    return pairs


@lru_cache(maxsize=1)
def _builder_digest() -> str:
    digest = hashlib.sha256()
    for folder in _BUILDER:
        for source in sorted(folder.glob("*.py")):
            digest.update(folder.name.encode() + b"/" + source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def _key(fingerprint, level_code, mode) -> str:
    text = "\0".join((fingerprint, level_code, mode, _builder_digest()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _from_template(cs, level_code, mode) -> tuple:
    from openpyxl.utils.cell import range_boundaries

    from .builder import make_workbook

    wb = make_workbook(cs, level_code, formulas=mode)
    out = []
    for name, defined in wb.defined_names.items():
        for sheet, coord in defined.destinations:
            col, row, _, _ = range_boundaries(coord.replace("$", ""))
            value = wb[sheet].cell(row, col).value
            if isinstance(value, str) and value.startswith("="):
                out.append((name, value))
    return tuple(out)


def _locations_from_template(cs, level_code, mode) -> tuple:
    from .builder import make_workbook

    wb = make_workbook(cs, level_code, formulas=mode)
    return tuple((name, sheet, coord.replace("$", "")) for name, defined in wb.defined_names.items()
                 for sheet, coord in defined.destinations)
