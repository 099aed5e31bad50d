"""Scoring a whole table of units at once: one row per unit, one column per input cell.

The scalar engine (dtscore.scoring) stays the reference: a criterion's result — status, score,
parsed values, findings and their messages — depends only on that criterion's own cells (its
inputs, the not-applicable switch, the self-score, whether evidence is written), the set and the
day. So each criterion's columns are factorized (pandas), every distinct combination of cells is
scored once by the scalar engine, and the results are spread back over the rows by index. Typed
text, numbers, blanks, errors: whatever the scalar engine does with a combination, every row
holding it gets — the same results and findings by construction, at the cost of the distinct
combinations rather than of the rows (a table of 3,321 communes has a few hundred per criterion).
Totals are then added up column-wise.

Columns are named like the workbook's defined names: `KEY_<input>` (e.g. `X03_ratio`),
`KEY_not_applicable`, `KEY_claimed`, `KEY_evidence`; a missing column, and a missing value
(None, NaN, pandas' NA) in a column, is a blank cell.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from .aggregation import add_up
from .criteria import CriteriaSet, Criterion
from .decimals import round_half_up
from .findings import Finding
from .results import NOT_APPLICABLE, SCORED, CriterionResult
from .scoring import group_not_applicable, leaf_findings_after, parse_claim, score_leaf, truthy
from .values import nfc

BLANK = None
_type_of = np.frompyfunc(type, 1, 1)


@dataclass(frozen=True)
class LeafResult:
    """One distinct combination of a leaf criterion's cells, scored by the scalar engine."""

    status: str
    score: Decimal | None
    values: dict
    claimed: Decimal | None
    findings: tuple  # in the order score_unit reports them


@dataclass
class LeafColumn:
    """A leaf criterion over the table: results[codes[row]] is the row's result."""

    criterion: Criterion
    codes: np.ndarray
    results: list

    def __len__(self):
        return len(self.results)

    def take(self, attribute) -> np.ndarray:
        values = np.empty(len(self.results), dtype=object)
        values[:] = [getattr(r, attribute) for r in self.results]
        return values[self.codes]


@dataclass
class BatchResult:
    """The scored table: per leaf criterion a LeafColumn, and per row the totals and findings."""

    level: object
    leaves: dict  # key → LeafColumn
    total: list  # Decimal per row
    max_total: list
    total_100: list
    index: list
    rows: int

    def scores(self) -> pd.DataFrame:
        """One column of scores (Decimal, or None when not scored) per leaf criterion."""
        return self._column("score", None)

    def statuses(self) -> pd.DataFrame:
        return self._column("status", NOT_APPLICABLE)

    def _column(self, attribute, in_group_switched_off) -> pd.DataFrame:
        frame = pd.DataFrame({key: leaf.take(attribute) for key, leaf in self.leaves.items()})
        for row, keys in self.switched_off.items():  # leaves of a group switched not applicable
            frame.loc[row, keys] = in_group_switched_off
        return frame

    row_findings: list | None = None  # levels walked row by row (groups) keep theirs here
    switched_off: dict = field(default_factory=dict)  # row → leaf keys under a group switched not applicable

    def findings(self) -> list:
        """Per row, the findings score_unit reports for that unit, in the same order."""
        if self.row_findings is not None:
            return self.row_findings
        per_leaf = [leaf.take("findings") for leaf in self.leaves.values()]
        out = []
        for row in range(self.rows):
            found = []
            for column in per_leaf:
                found.extend(column[row])
            out.append(found)
        return out


def factorize_rows(columns: list, rows: int) -> tuple:
    """(codes, first row of each code) of the distinct combinations of values across `columns`
    (object arrays). Values that are equal in Python but of another type (1, 1.0, True; None and
    NaN) are told apart: the engine reads them differently."""
    key = np.zeros(rows, dtype=np.int64)
    for column in columns:
        for part in (column, _type_of(column)):
            codes, uniques = pd.factorize(part, use_na_sentinel=False)
            key, _ = pd.factorize(key * len(uniques) + codes)
    if not columns:
        return key, np.zeros(1 if rows else 0, dtype=np.int64)
    _, first = np.unique(key, return_index=True)
    return key, first


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column's cells as Python values; missing values (None, NaN, pandas' NA) are blank cells."""
    values = np.empty(len(frame), dtype=object)
    if name not in frame.columns:
        values[:] = BLANK
        return values
    column = frame[name]
    values[:] = column.to_numpy(dtype=object)
    values[column.isna().to_numpy()] = BLANK
    return values


def _written(texts: np.ndarray) -> np.ndarray:
    """Whether each evidence cell holds text, as score_unit reads it (NFC, stripped), per distinct value."""
    codes, uniques = pd.factorize(texts, use_na_sentinel=False)
    flags = np.array([False if t is None or t != t else bool(nfc(t or "")) for t in uniques], dtype=object)  # t != t: NaN
    return flags[codes] if len(flags) else np.zeros(len(texts), dtype=object)


def score_leaf_column(cs, crit: Criterion, frame: pd.DataFrame, params: dict, today) -> LeafColumn:
    names = [spec.name for form in [crit.inputs, *crit.rule_kind.alternatives(crit.params)] for spec in form]
    names = list(dict.fromkeys(names)) + (["not_applicable"] if "not_applicable" not in names else [])
    cells = {name: _column(frame, f"{crit.key}_{name}") for name in names}
    claimed = _column(frame, f"{crit.key}_claimed")
    evidence = _column(frame, f"{crit.key}_evidence")
    has_evidence = _written(evidence)
    # the rule on each distinct combination of inputs (the costly part) …
    input_codes, input_rows = factorize_rows(list(cells.values()), len(frame))
    scored = []
    for row in input_rows:
        raw = {name: column[row] for name, column in cells.items() if column[row] is not None}
        found: list[Finding] = []
        scored.append((*score_leaf(cs, crit, raw, params, cs.year, today, found), tuple(found)))
    # … then the self-score and evidence checks on each distinct (result, self-score, evidence)
    codes, first = factorize_rows([input_codes.astype(object), claimed, has_evidence], len(frame))
    results = []
    for row in first:
        status, score, values, found_before = scored[input_codes[row]]
        found = list(found_before)
        row_result = CriterionResult(crit.key, crit.title, crit.max_points, crit.max_points, score, status,
                                     evidence="x" if has_evidence[row] else "", inputs=values, depth=crit.depth)
        leaf_findings_after(row_result, claimed[row], crit, cs.decimals, found)
        results.append(LeafResult(status, score, values, row_result.claimed, tuple(found)))
    return LeafColumn(crit, codes, results)


def score_table(cs: CriteriaSet, level_code: str, frame: pd.DataFrame, today: date | None = None) -> BatchResult:
    """Score every row of `frame` as score_unit scores one unit of `level_code` (see the module's
    docstring for the columns). Levels with groups or a weighted index are added up row by row."""
    level = cs.level(level_code)
    params = cs.parameter_values()
    leaves = {crit.key: score_leaf_column(cs, crit, frame, params, today) for crit in level.leaves()}
    rows = len(frame)
    if any(c.is_group for c in level.criteria) or level.index:
        return _row_by_row(cs, level, frame, leaves)
    scale = Decimal(10) ** cs.decimals
    total = np.zeros(rows, dtype=np.int64)  # in units of the last decimal: exact
    lowered = np.zeros(rows, dtype=object)
    for leaf in leaves.values():
        cents = np.array([0 if r.score is None else int(r.score * scale) for r in leaf.results], dtype=np.int64)
        total += cents[leaf.codes]
        cut = np.empty(len(leaf.results), dtype=object)
        cut[:] = [leaf.criterion.max_points if r.status == NOT_APPLICABLE else Decimal(0) for r in leaf.results]
        lowered += cut[leaf.codes]
    totals = [Decimal(int(t)) / scale for t in total]
    max_totals = [level.max_total - cut for cut in lowered]
    per_100: dict = {}
    total_100 = [per_100.setdefault((t, m), round_half_up(t / m * 100, cs.decimals) if m > 0 else None)
                 for t, m in zip(totals, max_totals)]
    return BatchResult(level, leaves, totals, max_totals, total_100, [None] * rows, rows)


def _row_by_row(cs, level, frame, leaves) -> BatchResult:
    """Groups (a group may be switched not applicable, and has its own self-score) and indexes:
    each row walked as score_unit walks a unit, its leaves taken from the scored combinations."""
    groups = [c for c in level.walk() if c.is_group]
    switches = {c.key: _column(frame, f"{c.key}_not_applicable") for c in groups}
    claims = {c.key: _column(frame, f"{c.key}_claimed") for c in groups}
    out = BatchResult(level, leaves, [], [], [], [], len(frame))
    out.row_findings = found = []
    for row in range(len(frame)):
        walk = _Walk(row, leaves, switches, claims, out.switched_off)
        for crit in level.criteria:
            walk.visit(crit)
        totals = add_up(level, walk.rows, cs.decimals)
        out.total.append(totals.total)
        out.max_total.append(totals.max_total)
        out.total_100.append(totals.total_100)
        out.index.append(totals.index)
        found.append(walk.found)
    return out


@dataclass
class _Walk:
    """One row walked criterion by criterion (score_unit's visit, leaves already scored)."""

    row: int
    leaves: dict
    switches: dict
    claims: dict
    switched_off: dict
    rows: dict = field(default_factory=dict)
    found: list = field(default_factory=list)

    def visit(self, crit) -> None:
        if not crit.is_group:
            r = self.leaves[crit.key].results[self.leaves[crit.key].codes[self.row]]
            self.rows[crit.key] = CriterionResult(crit.key, crit.title, crit.max_points,
                                                  Decimal(0) if r.status == NOT_APPLICABLE else crit.max_points,
                                                  r.score, r.status)
            self.found.extend(r.findings)
            return
        group = self.rows[crit.key] = CriterionResult(crit.key, crit.title, crit.max_points, crit.max_points, None,
                                                      SCORED, depth=crit.depth, is_group=True)
        if crit.allow_not_applicable and truthy(self.switches[crit.key][self.row]):
            group.status, group.applicable_max = NOT_APPLICABLE, Decimal(0)
            self.found.append(group_not_applicable(crit))
            for c in crit.walk():
                if c is not crit:
                    self.rows[c.key] = CriterionResult(c.key, c.title, c.max_points, Decimal(0), None, NOT_APPLICABLE,
                                                       depth=c.depth, is_group=c.is_group)
                    if not c.is_group:
                        self.switched_off.setdefault(self.row, []).append(c.key)
            return
        for child in crit.children:
            self.visit(child)
        parse_claim(self.claims[crit.key][self.row], crit, self.found)
