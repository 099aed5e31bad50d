"""Scoring a whole table of units at once: one row per unit, one column per input cell.

The scalar engine (dtscore.scoring) stays the reference, and its own pieces do the reading and
judging, so results, findings and messages are the same by construction; what the batch engine
changes is how often they run:

- each column is factorized once (pandas) and each DISTINCT raw value is read once per table and
  input type by the scalar reader (`read_raw`: parsing, range check), as pandas' to_datetime(cache=
  True) does; rows then carry integer codes;
- a criterion's rows with the same readings (and not-applicable switch) share an input state, found
  by integer arithmetic on the codes; each state is judged once (`judge_leaf`) and the states that
  reach the rule are scored by the kind's `score_batch` in one call, rounded half-up by the scalar
  engine;
- the self-score check is done column-wise on integers (the self-score rounded half-up and the
  score, both in units of the set's last decimal), and the findings it gives are built only when
  they are asked for, each distinct one once (Finding objects are immutable values, shared by rows).

Columns are named like the workbook's defined names: `KEY_<input>` (e.g. `X03_ratio`),
`KEY_not_applicable`, `KEY_claimed`, `KEY_evidence`; a missing column, and a missing value
(None, NaN, pandas' NA) in a column, is a blank cell.
"""

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import numpy as np
import pandas as pd

from .aggregation import add_up
from .criteria import CriteriaSet, Criterion
from .decimals import fmt_vn, round_half_up
from .findings import Finding
from .results import NOT_APPLICABLE, SCORED, UNSCORED, CriterionResult, UnitResult
from .scoring import (
    ReadValue,
    claim_above_max,
    claim_mismatch,
    claims_on_not_applicable,
    group_not_applicable,
    input_form,
    judge_leaf,
    leaf_not_applicable,
    missing_evidence,
    parse_claim,
    read_input,
    read_raw,
    scored_leaf,
    truthy,
    year_parameters,
)
from .values import is_blank, nfc

BLANK = None
_type_of = np.frompyfunc(type, 1, 1)
_INT64_SAFE = 2**62  # integers compared as int64 below this; a larger self-score is compared as a Python int


class LeafResult(NamedTuple):  # a tuple: thousands are made per table
    """One input state of a leaf criterion (its not-applicable switch and inputs, as read), judged
    by the scalar engine: status, score, parsed values and the findings of the inputs (the
    self-score's and evidence's findings come after them, per row: LeafColumn.findings)."""

    status: str
    score: Decimal | None
    values: dict
    findings: tuple


@contextmanager
def no_cycle_collection():
    """Hundreds of thousands of findings, tuples and lists are made here, none of which can form a
    cycle; the cyclic collector would scan them over and over while they are made (about 40% of
    the time of building a large table's findings). A caller that drops the BatchResult before the
    pause ends (DT_SCORE_TABLE) spares the collector its objects altogether: short-lived, they
    are never moved to the older generations whose full scans cost tens of ms."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def distinct(values: np.ndarray) -> tuple:
    """(codes, cells): codes[row] numbers the distinct values of an object column, cells[code] is
    one of them. Missing values (None, NaN, pandas' NA, NaT) are one blank cell, None. Values equal
    in Python but read differently by the engine are told apart: other types (1, 1.0, True) and,
    for floats and Decimals, another sign or exponent (0.0 and -0.0, Decimal 1 and 1.0)."""
    try:
        codes, uniques = pd.factorize(values)  # a missing value: -1
    except TypeError:  # a list or mapping in a cell (a YAML file's): told apart by type and repr
        codes, _ = pd.factorize(np.array([f"{type(v).__qualname__}:{v!r}" for v in values], dtype=object))
        return codes, list(values[_first_rows(codes)])
    blank = codes < 0
    kinds = {*map(type, values)}
    if kinds <= {str, type(None)}:  # text only: no look-alikes
        return np.where(blank, len(uniques), codes), [*uniques, None]
    if blank.any():
        values = values.copy()
        values[blank] = BLANK
    if len(kinds - {type(None)}) > 1:  # look-alikes of other types (1, 1.0, True): told apart by type
        types, _ = pd.factorize(_type_of(values))
        codes, _ = pd.factorize(np.where(blank, -1, codes) * (types.max() + 1) + types)
    elif blank.any():  # one type (and NaN, NA, NaT as blanks): only the blank to number in order
        codes, _ = pd.factorize(codes)
    cells = values[_first_rows(codes)]
    ambiguous = np.array([isinstance(v, Decimal) or (isinstance(v, float) and v == 0) for v in cells], dtype=bool)
    if ambiguous.any():  # the few rows holding such numbers: told apart by repr
        rows = np.flatnonzero(ambiguous[codes])
        spelled, _ = pd.factorize(np.array([repr(v) for v in values[rows]], dtype=object))
        key = codes.astype(np.int64)
        key[rows] = len(cells) + spelled
        codes, _ = pd.factorize(key)
        cells = values[_first_rows(codes)]
    return codes, list(cells)


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """The row where each code first appears, for codes numbered in order of appearance (as
    pd.factorize numbers them): where their running maximum steps up. No sort."""
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    top = np.maximum.accumulate(codes)
    return np.flatnonzero(np.concatenate(([True], top[1:] != top[:-1])))


def _column(frame: pd.DataFrame, name: str) -> tuple:
    """distinct() of a column's cells as Python values; a missing column is all blank cells."""
    if name not in frame.columns:
        return np.zeros(len(frame), dtype=np.int64), [BLANK]
    return distinct(frame[name].to_numpy(dtype=object))


def _cells(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column's cells, missing values as None: for the few columns read row by row (groups')."""
    codes, cells = _column(frame, name)
    return _objects(cells)[codes]


def _combine(rows: int, columns: list) -> np.ndarray:
    """Codes of the distinct combinations of several code columns (integer arithmetic); a column
    of one code changes nothing."""
    key = np.zeros(rows, dtype=np.int64)
    for codes, count in columns:
        if count < 2 or not codes.any():
            continue
        key, _ = pd.factorize(key * count + codes)
    return key


def _objects(items: list) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _per_claim(claims: "Claims", where: list, make) -> np.ndarray:
    """Per row, the finding `make` gives its self-score where `where` (per distinct self-score)."""
    return _objects([make(v) if w else None for v, w in zip(claims.claimed, where)])[claims.codes]


def _tuples(rows: int, slots: list) -> np.ndarray:
    """Per row, the tuple of the slots' findings it has, in the slots' order. Rows are grouped by
    which slots they have (a few patterns), and each group's tuples zipped from its columns."""
    pattern = np.zeros(rows, dtype=np.int64)
    for bit, (has, _) in enumerate(slots):
        pattern |= has.astype(np.int64) << bit
    out = np.empty(rows, dtype=object)
    for p in np.unique(pattern).tolist():
        where = np.flatnonzero(pattern == p)
        columns = [found[where] if isinstance(found, np.ndarray) else [found] * len(where)
                   for bit, (_, found) in enumerate(slots) if p >> bit & 1]
        out[where] = _objects(list(zip(*columns))) if columns else _objects([()] * len(where))
    return out


def _integers(numbers: list) -> np.ndarray:
    """Python ints as int64 where they fit (the usual case), else as Python ints."""
    if all(-_INT64_SAFE < n < _INT64_SAFE for n in numbers):
        return np.array(numbers, dtype=np.int64)
    out = np.empty(len(numbers), dtype=object)
    out[:] = numbers
    return out


@dataclass
class Claims:
    """A leaf's self-score column: each distinct cell read once (parse_claim)."""

    codes: np.ndarray  # per row
    claimed: list  # per distinct cell: Decimal or None
    wrong: list  # per distinct cell: its WRONG_TYPE finding or None
    cents: np.ndarray  # per distinct cell: rounded half-up at the set's decimals, × 10^decimals (0 if none)
    exact: list  # per distinct cell: has no more decimals than the set (then claimed − score is exact in cents)


def _claims(crit: Criterion, codes: np.ndarray, uniques: list, decimals: int) -> Claims:
    claimed, wrong = [], []
    for cell in uniques:
        found: list = []
        claimed.append(parse_claim(cell, crit, found))
        wrong.append(found[0] if found else None)
    rounded = [None if c is None else round_half_up(c, decimals) for c in claimed]
    cents = _integers([0 if r is None else int(r.scaleb(decimals)) for r in rounded])
    return Claims(codes, claimed, wrong, cents, [c is not None and c == r for c, r in zip(claimed, rounded)])


class LeafColumn:
    """A leaf criterion over the table: `results[codes[row]]` is the row's input state; `claimed`
    and `evidence` are the row's self-score (read) and evidence text, `findings(row)` all its
    findings in score_unit's order."""

    def __init__(self, cs, crit: Criterion, codes, results, claims: Claims, evidence_codes, evidence_texts):
        self.criterion, self.codes, self.results = crit, codes, results
        self.decimals = cs.decimals
        self._claims = claims
        self._evidence_codes, self._evidence_texts = evidence_codes, evidence_texts
        self._after: np.ndarray | None = None
        d = cs.decimals
        status = _objects([r.status for r in results])
        scores = [r.score for r in results]
        self.not_applicable = (status == NOT_APPLICABLE)[codes]
        # the claim check (scoring._check_claim) column-wise: everything in units of the last decimal
        # (exact: a score is rounded to the set's decimals, or 0)
        self.score_cents = _integers([0 if s is None else int(s.scaleb(d)) for s in scores])
        checked = ((status == SCORED) | (status == UNSCORED)) & np.array([s is not None for s in scores], dtype=bool)
        positive = self.score_cents > 0
        written = np.array([bool(t) for t in evidence_texts], dtype=bool)[evidence_codes]
        self.has_claim = np.array([c is not None for c in claims.claimed], dtype=bool)[claims.codes]
        self.mismatch = self.has_claim & checked[codes] & (claims.cents[claims.codes] != self.score_cents[codes])
        self.missing_evidence = positive[codes] & ~written

    def __len__(self):
        return len(self.results)

    @property
    def claimed(self) -> np.ndarray:
        """Per row, the self-score as read (Decimal), or None."""
        return _objects(self._claims.claimed)[self._claims.codes]

    @property
    def evidence(self) -> np.ndarray:
        """Per row, the evidence text (NFC, stripped; "" when none)."""
        return _objects(self._evidence_texts)[self._evidence_codes]

    def take(self, attribute) -> np.ndarray:
        """An attribute of each row's input state (status, score, values, findings)."""
        return _objects([getattr(r, attribute) for r in self.results])[self.codes]

    def after(self) -> np.ndarray:
        """Per row, the tuple of findings that follow its inputs' (scoring.leaf_findings_after's,
        in its order). Built on demand; each distinct finding once, shared by the rows that have it."""
        if self._after is None:
            crit, claims = self.criterion, self._claims
            c = claims.codes
            nonzero = [v is not None and v != 0 for v in claims.claimed]
            above = [v is not None and v > crit.max_points for v in claims.claimed]
            slots = [  # (rows that have it, the finding: one for all or one per row)
                (self.not_applicable, leaf_not_applicable(crit)),
                (np.array([w is not None for w in claims.wrong], dtype=bool)[c], _objects(claims.wrong)[c]),
                (self.not_applicable & np.array(nonzero, dtype=bool)[c],
                 _per_claim(claims, nonzero, lambda v: claims_on_not_applicable(crit.key, v, self.decimals))),
                (np.array(above, dtype=bool)[c], _per_claim(claims, above, lambda v: claim_above_max(crit.key, v, crit.max_points))),
                (self.mismatch, self._mismatches()),
                (self.missing_evidence, missing_evidence(crit.key)),
            ]
            self._after = _tuples(len(self.codes), slots)
        return self._after

    def _mismatches(self) -> np.ndarray:
        """CLAIM_MISMATCH per row where the self-score differs: one finding per distinct (self-score,
        score), each distinct number formatted once, the messages built column-wise."""
        claims, d, states = self._claims, self.decimals, len(self.results)
        out = np.empty(len(self.codes), dtype=object)
        rows = np.flatnonzero(self.mismatch)
        pair_codes, pairs = pd.factorize(claims.codes[rows] * states + self.codes[rows])
        c, state = pairs // states, pairs % states
        # claimed − score in cents, exact when the self-score has no more decimals than the set
        cents = np.asarray(claims.cents[c] - self.score_cents[state])
        kinds, spelled = pd.factorize(cents)
        difference = _objects([fmt_vn(Decimal(int(x)).scaleb(-d), d) for x in spelled])[kinds]
        for i in np.flatnonzero(~np.array(claims.exact, dtype=bool)[c]):  # e.g. "3,789": rounded once, as written
            difference[i] = fmt_vn(claims.claimed[c[i]] - self.results[state[i]].score, d)
        claimed = _objects([fmt_vn(v, d) if v is not None else "" for v in claims.claimed])[c]
        score = _objects([fmt_vn(r.score, d) if r.score is not None else "" for r in self.results])[state]
        key = self.criterion.key
        messages = [claim_mismatch(key, *texts) for texts in zip(claimed.tolist(), score.tolist(), difference.tolist())]
        out[rows] = _objects(Finding.many("CLAIM_MISMATCH", key, messages, f"{key}_claimed"))[pair_codes]
        return out

    def findings(self, row) -> list:
        return [*self.results[self.codes[row]].findings, *self.after()[row]]

    def row(self, row) -> CriterionResult:
        """The row's CriterionResult, as score_unit builds it."""
        crit, r = self.criterion, self.results[self.codes[row]]
        return CriterionResult(crit.key, crit.title, crit.max_points,
                               Decimal(0) if r.status == NOT_APPLICABLE else crit.max_points, r.score, r.status,
                               claimed=self._claims.claimed[self._claims.codes[row]],
                               evidence=self._evidence_texts[self._evidence_codes[row]], inputs=dict(r.values),
                               depth=crit.depth)


def _raw_reading(spec, cell, year, today) -> tuple:
    """(read_raw's result, what tells readings apart: the value as spelled, message, blank; the
    ReadValue when reading gave no finding — then it is every criterion's, else None)."""
    raw = read_raw(spec, cell, year, today)
    value, error, problem = raw
    plain = ReadValue(value, is_blank(cell)) if error is None and not problem else None
    return raw, (repr(value), error, problem, is_blank(cell)), plain


def score_leaf_column(cs, crit: Criterion, frame: pd.DataFrame, params: dict, today, raw_reads=None) -> LeafColumn:
    """`raw_reads`: read_raw's results by input type and raw value, shared by the table's columns."""
    rows = len(frame)
    raw_reads = {} if raw_reads is None else raw_reads
    specs = {s.name: s for form in [crit.inputs, *crit.rule_kind.alternatives(crit.params)] for s in form}
    # each distinct cell of each input read once; equal readings ("90%" and 0.9) share a code
    readings: dict = {}
    codes: dict = {}
    for name, spec in specs.items():
        cell_codes, cells = _column(frame, f"{crit.key}_{name}")
        known: dict = {}
        readings[name], reading_of = [], []
        read_as_spec = raw_reads.setdefault((spec.type, spec.options, spec.default), {})
        for cell in cells:
            key = (type(cell), repr(cell))
            raw, same, plain = read_as_spec.get(key) or read_as_spec.setdefault(key, _raw_reading(spec, cell, cs.year, today))
            code = known.get(same)
            if code is None:
                code = known[same] = len(known)
                readings[name].append(plain or read_input(crit, spec, cell, cs.year, today, raw))
            reading_of.append(code)
        codes[name] = np.array(reading_of, dtype=np.int64)[cell_codes] if rows else np.zeros(0, dtype=np.int64)
    switch_codes, switches = _column(frame, f"{crit.key}_not_applicable")
    switched = np.array([truthy(s) for s in switches], dtype=bool)[switch_codes]
    # the input states: distinct combinations of the switch and every input's reading
    state_codes = _combine(rows, [(switched, 2)] + [(codes[n], len(readings[n])) for n in specs])
    first = _first_rows(state_codes)
    judged, found_per_state, to_score = [], [], []
    forms: dict = {}  # the form a unit filled (its specs, their places in `names`), by which inputs are blank
    names = list(specs)
    per_state = [[readings[n][c] for c in codes[n][first].tolist()] for n in names]
    for on, *reads in zip(switched[first].tolist(), *per_state):
        blanks = tuple([r.blank for r in reads])
        if blanks not in forms:
            used = input_form(crit, lambda name, reads=reads: reads[names.index(name)].blank)
            forms[blanks] = used, [names.index(spec.name) for spec in used]
        used, places = forms[blanks]
        found: list = []
        judged.append(judge_leaf(crit, on, used, [reads[i] for i in places], found))
        found_per_state.append(found)
        if isinstance(judged[-1], dict):  # the inputs reach the rule
            to_score.append(len(judged) - 1)
    # the rule on every state that reaches it, in one call of the kind
    scored = crit.rule_kind.score_batch(crit.max_points, [judged[i] for i in to_score], crit.params, params)
    for i, result in zip(to_score, scored):
        judged[i] = scored_leaf(cs, crit, result, judged[i], found_per_state[i])
    results = [LeafResult(status, score, values, tuple(found))
               for (status, score, values), found in zip(judged, found_per_state)]
    claim_codes, claim_cells = _column(frame, f"{crit.key}_claimed")
    claims = _claims(crit, claim_codes, claim_cells, cs.decimals)
    evidence_codes, evidence_cells = _column(frame, f"{crit.key}_evidence")
    evidence_texts = [nfc(cell or "") for cell in evidence_cells]
    return LeafColumn(cs, crit, state_codes, results, claims, evidence_codes, evidence_texts)


class BatchResult:
    """The scored table: per leaf criterion a LeafColumn (`leaves`), per row the totals (`total`,
    `max_total`, `total_100`, `index`: lists), and on demand the scores, statuses, findings and
    each row's UnitResult — what score_unit gives that unit."""

    def __init__(self, cs: CriteriaSet, level, frame: pd.DataFrame, leaves: dict):
        self.cs, self.level, self.leaves, self.rows = cs, level, leaves, len(frame)
        groups = [c for c in level.walk() if c.is_group]
        self._switches = {c.key: _cells(frame, f"{c.key}_not_applicable") for c in groups}
        self._group_claims = {c.key: _cells(frame, f"{c.key}_claimed") for c in groups}
        self.switched_off: dict = {}  # row → leaf keys under a group switched not applicable
        self._row_findings: list | None = None
        self.total: list = []
        self.max_total: list = []
        self.total_100: list = []
        self.index: list = []
        if groups or level.index:
            self._add_up_row_by_row()
        else:
            self._add_up_columns()

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

    def findings(self) -> list:
        """Per row, the findings score_unit reports for that unit, in the same order."""
        if self._row_findings is not None:
            return self._row_findings
        with no_cycle_collection():
            out: list = [[] for _ in range(self.rows)]
            for leaf in self.leaves.values():
                inputs = [leaf.take("findings")] if any(r.findings for r in leaf.results) else []  # often none
                for part in [*inputs, leaf.after()]:
                    for found, more in zip(out, part.tolist()):
                        if more:
                            found.extend(more)
            return out

    def unit_result(self, row: int, unit: dict | None = None) -> UnitResult:
        """Row `row` as the UnitResult score_unit gives for that unit (equal to it)."""
        walk = self._walk(row)
        totals = add_up(self.level, walk.rows, self.cs.decimals)
        criteria = list(walk.rows.values())
        claims = [r.claimed for r in criteria if not r.is_group and r.claimed is not None]
        return UnitResult(self.cs.id, self.cs.version, self.cs.fingerprint, self.level.code, dict(unit or {}), criteria,
                          walk.found, totals.total, totals.max_total, totals.total_100,
                          sum(claims, Decimal(0)) if claims else None, totals.index)

    def _walk(self, row) -> "_Walk":
        walk = _Walk(row, self.leaves, self._switches, self._group_claims)
        for crit in self.level.criteria:
            walk.visit(crit)
        return walk

    def _add_up_columns(self):
        """Totals of levels without groups or index, column-wise: the scores and the maxima of the
        not-applicable criteria added up as integers (in units of the last decimal any of them has),
        each distinct (total, lowered maximum) made Decimals once."""
        leaves = list(self.leaves.values())
        digits = max([self.cs.decimals] + [-leaf.criterion.max_points.as_tuple().exponent for leaf in leaves])
        big = sum(leaf.criterion.max_points for leaf in leaves) * 10**digits >= _INT64_SAFE
        total = np.zeros(self.rows, dtype=object if big else np.int64)
        lowered = np.zeros(self.rows, dtype=object if big else np.int64)
        for leaf in leaves:
            units = leaf.score_cents if digits == self.cs.decimals else _integers(
                [0 if r.score is None else int(r.score.scaleb(digits)) for r in leaf.results])
            total += units[leaf.codes]
            lowered[leaf.not_applicable] += int(leaf.criterion.max_points.scaleb(digits))
        pairs = _combine(self.rows, [(pd.factorize(column)[0], self.rows) for column in (total, lowered)])
        achieved, max_total, per_100 = [], [], []
        for row in _first_rows(pairs):
            achieved.append(Decimal(int(total[row])).scaleb(-digits))
            max_total.append(self.level.max_total - Decimal(int(lowered[row])).scaleb(-digits))
            per_100.append(round_half_up(achieved[-1] / max_total[-1] * 100, self.cs.decimals) if max_total[-1] > 0 else None)
        self.total = _objects(achieved)[pairs].tolist()
        self.max_total = _objects(max_total)[pairs].tolist()
        self.total_100 = _objects(per_100)[pairs].tolist()
        self.index = [None] * self.rows

    def _add_up_row_by_row(self):
        """Groups (a group may be switched not applicable, and has its own self-score) and indexes:
        each row walked as score_unit walks a unit, its leaves taken from the scored columns."""
        self._row_findings = []
        for row in range(self.rows):
            walk = self._walk(row)
            totals = add_up(self.level, walk.rows, self.cs.decimals)
            self.total.append(totals.total)
            self.max_total.append(totals.max_total)
            self.total_100.append(totals.total_100)
            self.index.append(totals.index)
            self._row_findings.append(walk.found)
            if walk.switched_off:
                self.switched_off[row] = walk.switched_off


class _Walk:
    """One row walked criterion by criterion (score_unit's visit, leaves already scored)."""

    def __init__(self, row, leaves, switches, claims):
        self.row, self.leaves, self.switches, self.claims = row, leaves, switches, claims
        self.rows: dict = {}
        self.found: list = []
        self.switched_off: list = []

    def visit(self, crit) -> None:
        if not crit.is_group:
            leaf = self.leaves[crit.key]
            self.rows[crit.key] = leaf.row(self.row)
            self.found.extend(leaf.findings(self.row))
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
                        self.switched_off.append(c.key)
            return
        for child in crit.children:
            self.visit(child)
        group.claimed = parse_claim(self.claims[crit.key][self.row], crit, self.found)


def units_frame(units: list) -> pd.DataFrame:
    """The table of units given as score_unit takes them, [(inputs, claimed, evidence), …] with
    inputs {key: {input: value}}, claimed {key: value}, evidence {key: text}; values kept as they
    are (object columns: pandas infers no type)."""
    columns: dict = {}
    for row, (inputs, claimed, evidence) in enumerate(units):
        cells = {f"{key}_{name}": value for key, own in (inputs or {}).items() for name, value in (own or {}).items()}
        cells |= {f"{key}_claimed": value for key, value in (claimed or {}).items()}
        cells |= {f"{key}_evidence": value for key, value in (evidence or {}).items()}
        for name, value in cells.items():
            columns.setdefault(name, [None] * len(units))[row] = value
    return pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in columns.items()},
                        index=range(len(units)))


def table_units(columns: dict, rows: int) -> list:
    """units_frame's inverse: a table's columns ({"KEY_field": values}) as score_unit takes each of
    its `rows` units, [(inputs, claimed, evidence), …] (the scalar engine run on a batch's table)."""
    split = [(*name.split("_", 1), values) for name, values in columns.items()]
    units = []
    for row in range(rows):
        inputs: dict = {}
        claimed: dict = {}
        evidence: dict = {}
        for key, field, values in split:
            if field == "claimed":
                claimed[key] = values[row]
            elif field == "evidence":
                evidence[key] = values[row]
            else:
                inputs.setdefault(key, {})[field] = values[row]
        units.append((inputs, claimed, evidence))
    return units


def score_table(cs: CriteriaSet, level_code: str, frame: pd.DataFrame, today: date | None = None,
                parameters: dict | None = None) -> BatchResult:
    """Score every row of `frame` as score_unit scores one unit of `level_code` (see the module's
    docstring for the columns); `parameters`: year parameter overrides for every row, as score_unit's."""
    level = cs.level(level_code)
    params = year_parameters(cs, parameters)
    raw_reads: dict = {}
    with no_cycle_collection():
        leaves = {crit.key: score_leaf_column(cs, crit, frame, params, today, raw_reads) for crit in level.leaves()}
        return BatchResult(cs, level, frame, leaves)
