"""Many copies of one saved workbook that differ in a few text cells (the unit's code and name).

The workbook is saved once with a placeholder text in each cell that changes; each copy is that
package with the part holding the placeholders patched (replaced by the escaped texts) and
every other part's compressed bytes reused as they are: no workbook rebuilt, re-serialised or
re-compressed per copy.
"""

from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from dtscore.safecells import is_risky
from dtscore.xlsx_package import deflate, inflate, parts_of, write_package


def can_patch(text: str) -> bool:
    """Whether a cell can take `text` by a patch: not text a spreadsheet would read as a formula
    (its cell needs another style, see safecells) nor characters openpyxl refuses."""
    return not is_risky(text) and not ILLEGAL_CHARACTERS_RE.search(text)


class PatchableWorkbook:
    """A saved workbook (a path); write() gives the package with its placeholders replaced."""

    def __init__(self, saved, placeholders):
        self._parts = parts_of(saved)
        self._marks = {p: f"><is><t>{escape(p)}</t></is></c>" for p in placeholders}  # openpyxl's inline text
        self._texts = {}  # part name → its XML, for the parts holding a placeholder
        for part in self._parts:
            if part.name.endswith(".xml") and part.name.startswith("xl/"):
                text = inflate(part).decode("utf-8")
                found = [text.count(mark) for mark in self._marks.values()]
                if any(found):
                    self._texts[part.name] = text
        counts = {p: sum(text.count(mark) for text in self._texts.values()) for p, mark in self._marks.items()}
        if any(n != 1 for n in counts.values()):
            raise ValueError(f"each placeholder must be in the workbook once: {counts}")

    def write(self, fh, values: dict) -> None:
        """Write the copy whose placeholder cells hold values[placeholder] to a binary file."""
        patched = {}
        for name, text in self._texts.items():
            for placeholder, mark in self._marks.items():
                value = values[placeholder]
                text = text.replace(mark, f'><is><t xml:space="preserve">{escape(value)}</t></is></c>' if value else " />")
            patched[name] = deflate(text.encode("utf-8"), name)
        write_package(fh, [patched.get(part.name, part) for part in self._parts])
