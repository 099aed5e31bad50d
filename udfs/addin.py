"""The dtscore add-in for the classic Excel runtime (Windows): an .xlam with a ribbon tab "dtscore".

It is xlwings' own ribbon add-in (`quickstart_addin_ribbon.xlam`, what `xlwings quickstart NAME
--addin --ribbon` copies; BSD-3-Clause, its notice is kept in the VBA and in the kit), with
- its VBA project byte for byte: `RibbonMyAddin.RunMain` runs `import M; M.main()` where M is the
  add-in's file name without ".xlam". The file is therefore named `dtscore.udfs.button.xlam`, so the
  ribbon button runs `dtscore.udfs.button.main()` — the button every runtime runs — on the active
  workbook;
- our ribbon (customUI/customUI.xml): "Tính lại & kiểm tra" and a "Hướng dẫn" menu whose entries are
  text, so it needs no macro of its own;
- its settings sheet switched on (`_myaddin.conf` → `myaddin.conf`, the name the VBA's PROJECT_NAME
  looks for) and filled in: the interpreter of the per-user venv, UDF Modules
  `dtscore.udfs.functions`, and the workbook's folder kept off Python's path (a `dtscore.py` next to
  an official's file cannot shadow the package).

The DT_* functions reach an ordinary .xlsx through the add-in: `install()` runs xlwings'
`import_udfs` into the add-in itself (what xlwings' `ImportPythonUDFsToAddin` does), once, at install
time; the wrappers then live in the .xlam and pass ActiveWorkbook, so no workbook needs macros.
"""

import io
import os
import sys
import zipfile
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

from dtscore.atomic import write_atomic
from dtscore.errors import DtscoreError

ENTRY_MODULE = "dtscore.udfs.button"  # what the ribbon button runs: ENTRY_MODULE.main()
ADDIN_NAME = ENTRY_MODULE + ".xlam"  # xlwings' RunMain imports the module named like the file
UDF_MODULES = "dtscore.udfs.functions"
SOURCE = "quickstart_addin_ribbon.xlam"  # inside the xlwings package
CONFIG_SHEET = "myaddin.conf"  # PROJECT_NAME "myaddin" in xlwings' VBA + ".conf"
DEFAULT_INTERPRETER = r"%LOCALAPPDATA%\dtscore\venv\Scripts\pythonw.exe"  # expanded by the VBA's GetConfig

RIBBON_NS = "http://schemas.microsoft.com/office/2006/01/customui"
GUIDE = [  # the "Hướng dẫn" menu, one line each
    "1. Mở biểu mẫu chấm điểm của đơn vị (tệp .xlsx do Sở TTTT gửi).",
    "2. Nhập số liệu vào các ô màu vàng, ghi Căn cứ tính điểm và Điểm tự chấm.",
    "3. Bấm nút Tính lại và kiểm tra (thẻ dtscore): dtscore tính lại các ô Điểm tính.",
    "4. Xem trang “Kiểm tra”: ô đỏ là lỗi, ô vàng là cảnh báo; bấm vào địa chỉ để tới ô.",
    "5. Sửa hết lỗi rồi bấm lại; không còn lỗi thì lưu và gửi tệp cho Sở TTTT.",
    "Hàm DT_* (ví dụ =DT_RATIO(90%; 95%; 4)) dùng được trong mọi sổ tính khi add-in được bật.",
]


def ribbon_xml() -> str:
    """Office reads a single & in a ribbon label as a keyboard-accelerator mark; && shows one &.
    Menu lines and tips avoid the character."""
    guide = "\n".join(
        f'            <menuSeparator id="dtscoreGuide{i}" title="{escape(line, {chr(34): "&quot;"})}"/>'
        for i, line in enumerate(GUIDE, 1)
    )
    return f"""<customUI xmlns="{RIBBON_NS}">
  <ribbon>
    <tabs>
      <tab id="dtscoreTab" label="dtscore">
        <group id="dtscoreGroup" label="Chấm điểm thi đua Chuyển đổi số">
          <button id="dtscoreRecalc" label="Tính lại &amp;&amp; kiểm tra" size="large" imageMso="MacroPlay"
                  onAction="RibbonMyAddin.RunMain"
                  screentip="Tính lại và kiểm tra"
                  supertip="Tính lại các ô Điểm tính của sổ tính đang mở theo bộ tiêu chí, rồi ghi mọi lỗi và cảnh báo vào trang “Kiểm tra”."/>
          <menu id="dtscoreGuide" label="Hướng dẫn" size="large" imageMso="Help" itemSize="normal">
{guide}
          </menu>
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""


def _settings_sheet(xml: str, interpreter: str) -> str:
    """Fill column B of xlwings' settings sheet (A1 Interpreter_Win … A9 Show Console) and add
    ADD_WORKBOOK_TO_PYTHONPATH (read by the VBA's RunPython/UDF server start) in row 10."""
    def text(ref, value):
        return f'<c r="{ref}" s="1" t="inlineStr"><is><t>{escape(value)}</t></is></c>'

    row1 = '<c r="A1" s="1" t="s"><v>6</v></c>'
    row6 = '<c r="A6" s="1" t="s"><v>1</v></c>'
    for anchor in (row1, row6, '<row r="13"'):
        if anchor not in xml:
            raise DtscoreError(f"trang thiết đặt trong add-in mẫu của xlwings đã đổi (không thấy {anchor})")
    xml = xml.replace(row1, row1 + text("B1", interpreter)).replace(row6, row6 + text("B6", UDF_MODULES))
    row10 = f'<row r="10">{text("A10", "ADD_WORKBOOK_TO_PYTHONPATH")}{text("B10", "false")}</row>'
    return xml.replace('<row r="13"', row10 + '<row r="13"').replace('spans="1:1"', 'spans="1:2"')


def xlwings_addin_source() -> bytes:
    """xlwings' ribbon add-in as the installed xlwings package ships it."""
    return resources.files("xlwings").joinpath(SOURCE).read_bytes()


def build(source: bytes | None = None, interpreter: str = DEFAULT_INTERPRETER) -> bytes:
    """The dtscore add-in, from xlwings' ribbon add-in `source` (default: the installed xlwings')."""
    source = xlwings_addin_source() if source is None else source
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "customUI/customUI.xml":
                data = ribbon_xml().encode("utf-8")
            elif item.filename == "xl/workbook.xml":
                data = data.replace(b'name="_myaddin.conf"', f'name="{CONFIG_SHEET}"'.encode())
            elif item.filename == "xl/worksheets/sheet1.xml":
                data = _settings_sheet(data.decode("utf-8"), interpreter).encode("utf-8")
            zout.writestr(item, data)  # same order and dates: the same source gives the same file
    return out.getvalue()


def write(path: Path, source: bytes | None = None, interpreter: str = DEFAULT_INTERPRETER) -> Path:
    data = build(source, interpreter)
    return write_atomic(path, lambda tmp: Path(tmp).write_bytes(data))


# -- installing on the official's Windows PC (run by the kit's install script) -------------------


def xlstart() -> Path:
    """Excel's per-user start-up folder: an add-in there opens with every Excel, no admin rights."""
    return Path(os.environ["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART"


def interpreter() -> str:
    """pythonw.exe next to this venv's python.exe (no console window flashes in Excel)."""
    exe = Path(sys.executable)
    windowless = exe.with_name("pythonw.exe")
    return str(windowless if windowless.exists() else exe)


def install() -> Path:
    """Write the add-in into XLSTART with this interpreter, then import the DT_* wrappers into it."""
    target = write(xlstart() / ADDIN_NAME, interpreter=interpreter())
    print(f"Đã cài add-in: {target}")
    try:
        _import_functions(target)
        print("Đã nạp các hàm DT_* vào add-in.")
    except Exception as exc:  # noqa: BLE001 — Excel missing or VBA project access refused (COM errors): the button still works
        print(f"Chưa nạp được các hàm DT_* tự động ({type(exc).__name__}: {exc}).\n"
              "Làm tay một lần: xem mục “Nạp các hàm DT_*” trong HUONG-DAN-CAI-DAT.txt.")
    return target


def _import_functions(addin: Path):
    """xlwings' ImportPythonUDFsToAddin, from Python: Excel hidden, the add-in opened, the wrappers
    imported and saved. Excel refuses VBProject access unless "Trust access to the VBA project
    object model" is on, so it is switched on for this user (HKCU, no admin) for the import only."""
    import xlwings as xw
    from xlwings import udfs

    with _vba_project_access():
        app = xw.App(visible=False, add_book=False)
        try:
            book = app.books.open(str(addin))
            udfs.import_udfs(UDF_MODULES, book.api)
            book.save()
        finally:
            app.quit()


class _vba_project_access:  # noqa: N801 — used as a `with` block
    """HKCU\\Software\\Microsoft\\Office\\<version>\\Excel\\Security\\AccessVBOM = 1 while inside,
    restored afterwards, for every installed Office version."""

    def __enter__(self):
        import winreg

        self.saved = []
        try:
            office = winreg.OpenKey(winreg.HKEY_CURRENT_USER, r"Software\Microsoft\Office")
        except OSError:
            return self
        versions = []
        i = 0
        while True:
            try:
                versions.append(winreg.EnumKey(office, i))
            except OSError:
                break
            i += 1
        for version in (v for v in versions if v.replace(".", "").isdigit()):
            path = rf"Software\Microsoft\Office\{version}\Excel\Security"
            key = winreg.CreateKey(winreg.HKEY_CURRENT_USER, path)
            try:
                old = winreg.QueryValueEx(key, "AccessVBOM")[0]
            except OSError:
                old = None
            winreg.SetValueEx(key, "AccessVBOM", 0, winreg.REG_DWORD, 1)
            self.saved.append((path, old))
        return self

    def __exit__(self, *exc):
        import winreg

        for path, old in self.saved:
            key = winreg.CreateKey(winreg.HKEY_CURRENT_USER, path)
            if old is None:
                winreg.DeleteValue(key, "AccessVBOM")
            else:
                winreg.SetValueEx(key, "AccessVBOM", 0, winreg.REG_DWORD, old)
        return False


if __name__ == "__main__":  # the kit's install script: python -m dtscore.udfs.addin install
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    if sys.argv[1:] != ["install"]:
        sys.exit("Cách dùng: python -m dtscore.udfs.addin install")
    install()
