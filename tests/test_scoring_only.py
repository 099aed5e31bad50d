"""score_unit(only=KEY) — what DT_SCORE uses for one cell — gives that criterion exactly what
scoring the whole unit gives it: the same rows and the same findings for its subtree."""

import pytest

from dtscore.criteria import available_sets, load_set
from dtscore.sampledata import sample_unit
from dtscore.scoring import score_unit

CASES = [(name, level) for name in available_sets() for level in load_set(name).levels]


@pytest.mark.parametrize("name,level_code", CASES)
def test_one_criterion_alone_is_scored_as_in_the_whole_unit(name, level_code):
    cs = load_set(name)
    level = cs.level(level_code)
    for seed in range(6):
        unit = sample_unit(cs, level_code, "U1", "Đơn vị 1", seed=seed, quality=0.3 + 0.12 * seed)
        claimed = {key: (score + 1 if seed % 2 else score) for key, score in unit.claimed.items()}
        whole = score_unit(cs, level_code, unit.inputs, claimed, unit.evidence)
        for top in level.criteria:
            for criterion in top.walk():
                keys = {c.key for c in criterion.walk()}
                alone = score_unit(cs, level_code, unit.inputs, claimed, unit.evidence, only=criterion.key)
                assert [r.to_dict() for r in alone.criteria] == [r.to_dict() for r in whole.criteria if r.key in keys]
                assert alone.findings == [f for f in whole.findings if f.key in keys]
                assert alone.index is None
