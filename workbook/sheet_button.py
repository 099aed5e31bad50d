"""The sheet button "Tính lại & kiểm tra" for Excel 365 / Excel on the web (xlwings Server and Lite).

Office.js has no click event for shapes. xlwings' sheet-button binding (xlwings-server's
static/js/custom-scripts/sheet-buttons.js) therefore looks for a *shape with a given name* on the sheet
(`[btnKiemTra]'Chấm điểm'!W2` in the @script, see workbook/layout.py) and runs the script when *that
cell gets selected*; the shape carries a hyperlink to the cell, so clicking it selects the cell.
Without a shape of that name the binding is silently skipped.

openpyxl cannot write shapes (it drops them), and XlsxWriter's text boxes are always named
"TextBox n"; so the saved file gets a small DrawingML part here: one rounded rectangle named
btnKiemTra, anchored at its cell, hyperlinked to it, not printed (Excel; LibreOffice 7.4 ignores the
flag, hence the cell right of every column the sheet uses).
"""

import re
import shutil
import tempfile
import zipfile
from pathlib import PurePosixPath
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DRAWING_TYPE = DOC_RELS + "/drawing"
HYPERLINK_TYPE = DOC_RELS + "/hyperlink"
DRAWING_CONTENT = "application/vnd.openxmlformats-officedocument.drawing+xml"
# elements that follow <drawing> in a worksheet (ECMA-376 CT_Worksheet order)
AFTER_DRAWING = ("legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                 "webPublishItems", "tableParts", "extLst")
EMU_PER_POINT = 12700

DRAWING = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" \
xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="{rels}">\
<xdr:oneCellAnchor><xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row>\
<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="{cx}" cy="{cy}"/>\
<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name={name} descr={text}>\
<a:hlinkClick r:id="rId1" tooltip={tooltip}/></xdr:cNvPr><xdr:cNvSpPr/></xdr:nvSpPr>\
<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>\
<a:prstGeom prst="roundRect"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr val="{fill}"/></a:solidFill>\
<a:ln><a:noFill/></a:ln></xdr:spPr>\
<xdr:txBody><a:bodyPr wrap="square" rtlCol="0" anchor="ctr"/><a:lstStyle/><a:p><a:pPr algn="ctr"/>\
<a:r><a:rPr lang="vi-VN" sz="1100" b="1"><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill></a:rPr>\
<a:t>{body}</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData fPrintsWithSheet="0"/></xdr:oneCellAnchor>\
</xdr:wsDr>"""


def add_sheet_button(path, sheet: str, cell: str, name: str, text: str, tooltip: str, fill="1F4E79",
                     width_pt=150, height_pt=30) -> None:
    """Add the button shape to `sheet` of the .xlsx at `path` (rewritten in place: call it on the
    temporary file of an atomic save). The sheet must not have a drawing yet."""
    with zipfile.ZipFile(path) as z:
        parts = {info.filename: z.read(info.filename) for info in z.infolist()}
    sheet_part = _sheet_part(parts, sheet)
    xml = parts[sheet_part].decode("utf-8")
    if re.search(r"<(\w+:)?drawing[\s/>]", xml):
        raise ValueError(f"{sheet} already has a drawing")
    rels_part = str(PurePosixPath(sheet_part).parent / "_rels" / (PurePosixPath(sheet_part).name + ".rels"))
    rels = ET.fromstring(parts[rels_part]) if rels_part in parts else ET.Element(f"{{{PKG_RELS}}}Relationships")
    used = {r.get("Id") for r in rels}
    rid = next(f"rId{i}" for i in range(1, len(used) + 2) if f"rId{i}" not in used)
    number = next(i for i in range(1, len(parts) + 2) if f"xl/drawings/drawing{i}.xml" not in parts)
    drawing_part = f"xl/drawings/drawing{number}.xml"
    ET.SubElement(rels, f"{{{PKG_RELS}}}Relationship", Id=rid, Type=DRAWING_TYPE, Target=f"/{drawing_part}")
    ET.register_namespace("", PKG_RELS)
    parts[rels_part] = ET.tostring(rels, xml_declaration=True, encoding="UTF-8")

    element = f'<drawing xmlns:r="{DOC_RELS}" r:id="{rid}"/>'
    following = re.search(r"<(?:\w+:)?(?:%s)[\s/>]" % "|".join(AFTER_DRAWING), xml)
    at = following.start() if following else xml.rindex("</")
    parts[sheet_part] = (xml[:at] + element + xml[at:]).encode("utf-8")

    column, row = coordinate_from_string(cell)
    target = f"#'{sheet}'!{cell}"
    parts[drawing_part] = DRAWING.format(
        rels=DOC_RELS, col=column_index_from_string(column) - 1, row=row - 1, cx=width_pt * EMU_PER_POINT,
        cy=height_pt * EMU_PER_POINT, name=quoteattr(name), text=quoteattr(text), tooltip=quoteattr(tooltip),
        fill=fill, body=escape(text),
    ).encode("utf-8")
    parts[f"xl/drawings/_rels/drawing{number}.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{HYPERLINK_TYPE}" Target={quoteattr(target)}/></Relationships>'
    ).encode()
    types = parts["[Content_Types].xml"].decode("utf-8")
    override = f'<Override PartName="/{drawing_part}" ContentType="{DRAWING_CONTENT}"/>'
    parts["[Content_Types].xml"] = types.replace("</Types>", override + "</Types>").encode("utf-8")

    with tempfile.NamedTemporaryFile(dir=PurePosixPath(str(path)).parent, suffix=".xlsx", delete=False) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            for part, data in parts.items():
                z.writestr(part, data)
    shutil.move(tmp.name, path)


def _sheet_part(parts: dict, sheet: str) -> str:
    """The zip path of the worksheet called `sheet`."""
    book = ET.fromstring(parts["xl/workbook.xml"])
    rels = ET.fromstring(parts["xl/_rels/workbook.xml.rels"])
    rid = next(s.get(f"{{{DOC_RELS}}}id") for s in book.iter(f"{{{MAIN}}}sheet") if s.get("name") == sheet)
    target = next(r.get("Target", "") for r in rels if r.get("Id") == rid)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
