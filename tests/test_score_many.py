"""`dtscore score` on many files goes through the batch engine: each file's result must equal
scoring that file alone (score_unit), whatever it holds — generated inputs of every set and level
(typed text, numbers, blanks, wrong types, not-applicable switches, self-scores, evidence), a unit's
own due date, a wrong parameter, an unreadable file — and come out in the order given."""

import numpy as np
import yaml

from dtscore.commands.score import score_file, score_files
from dtscore.criteria import load_set
from dtscore.errors import DtscoreError
from tests.test_batch import LEVELS, generate


def _write(folder, name, data):
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _files(folder) -> list:
    paths = []
    for n, (name, level_code) in enumerate(LEVELS):
        cs = load_set(name)
        groups = {c.key for c in cs.level(level_code).walk() if c.is_group}  # input files cannot switch a group off
        columns = {k: v for k, v in generate(cs, level_code, 12, seed=n).items() if k.split("_", 1)[0] not in groups}
        for row in range(12):
            data: dict = {"criteria_set": name, "level": level_code, "unit": {"code": f"U{n}-{row}", "name": f"Đơn vị {row}"}}
            for column, values in columns.items():
                key, field = column.split("_", 1)
                value = values[row].item() if isinstance(values[row], np.generic) else values[row]
                section = field if field in ("claimed", "evidence") else "inputs"
                if section == "inputs":
                    data.setdefault("inputs", {}).setdefault(key, {})[field] = value
                else:
                    data.setdefault(section, {})[key] = value
            if row % 5 == 1 and "plan_due" in cs.parameters:
                data["parameters"] = {"plan_due": "30/04/2023"}
            paths.append(_write(folder, f"{n:02d}-{row:02d}.yaml", data))
    return paths


def test_many_files_score_as_each_alone(tmp_path):
    paths = _files(tmp_path)
    paths.insert(3, _write(tmp_path, "sai-tham-so.yaml", {"criteria_set": "soctrang-2023", "level": "xa",
                                                           "parameters": {"khong_co": 1}}))
    bad = tmp_path / "hong.yaml"
    bad.write_text("criteria_set: [\n", encoding="utf-8")
    paths.insert(7, bad)
    scored = score_files(paths)
    assert len(scored) == len(paths)
    for path, got in zip(paths, scored):
        try:
            expected = score_file(path)[1]
        except DtscoreError as exc:
            assert isinstance(got, DtscoreError) and str(got) == str(exc), path
            continue
        assert got[1] == expected, path
    assert sum(isinstance(s, DtscoreError) for s in scored) == 2
