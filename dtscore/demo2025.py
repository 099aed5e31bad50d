"""`dtscore demo --vi-du-2025`: the worked 2025 example of two-level local government, in one folder.

1. units.csv of Cần Thơ's 103 communes and wards from the official administrative divisions
   (`dtscore units`), written once and then read unchanged by everything below;
2. the example set `vidu-2025-hai-cap` (the 2023 criteria without the district level, due dates
   of 2025 as parameters — an example, not an official decision): one template per commune;
3. a demo inbox: made-up but plausible figures from a few communes;
4. the consolidation against units.csv: the communes ranked, the others listed as not submitted.
"""

from dataclasses import dataclass
from pathlib import Path

from dtscore.workbook.builder import build_units as build_templates

from .adminunits import build_units, write_units
from .consolidation import consolidate, inbox_files
from .criteria import load_set
from .demo import make_inbox, prepare_folder
from .result_workbook import write_result
from .run_summary import summary_text
from .unitlist import read_unit_list, resolve_level

SET_ID, YEAR, PROVINCE = "vidu-2025-hai-cap", 2025, "Cần Thơ"
SUBMITTING = 12  # communes whose made-up files are in the inbox


@dataclass
class ExamplePaths:
    root: Path
    units: Path
    templates: Path
    inbox: Path
    result: Path


def run_example(root, workers=None, progress=True, echo=print) -> tuple:
    """Build the example under `root`; returns (paths, consolidation)."""
    root = Path(root)
    p = ExamplePaths(root, root / "units.csv", root / "bieu-mau", root / "hop-thu-2025", root / "KET-QUA-2025.xlsx")
    prepare_folder(root)
    cs = load_set(SET_ID)
    province, units = build_units(PROVINCE)
    write_units(p.units, units)
    echo(f"1. Danh sách đơn vị: {len(units)} xã, phường của {province.name} (mã chính thức) → {p.units}")

    echo(f"2. Bộ tiêu chí {cs.id}: VÍ DỤ, không phải quyết định chính thức (cấp: {', '.join(cs.levels)});"
         f" biểu mẫu cho từng xã, phường → {p.templates}")
    listed = read_unit_list(p.units)  # the file as written, read as templates and consolidation read it
    p.templates.mkdir()
    build_templates(cs, [(resolve_level(cs, u.level), u.code, u.name, p.templates / f"{u.code}.xlsx") for u in listed],
                    year=YEAR)
    submitting = listed[:SUBMITTING]
    echo(f"3. Hộp thư: {len(submitting)} xã, phường gửi hồ sơ (số liệu mẫu) → {p.inbox}")
    make_inbox(cs, submitting, p.inbox, YEAR, with_mistakes=False)

    echo(f"4. Tổng hợp năm {YEAR} theo danh sách {p.units.name} → {p.result}")
    sheets, others = inbox_files(p.inbox)
    cons = consolidate(sheets, year=YEAR, units=listed, workers=workers, progress=progress, skipped=others)
    write_result(cons, p.result, inbox=p.inbox)
    echo("")
    echo(summary_text(cons, p.result))
    return p, cons

