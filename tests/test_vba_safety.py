"""The classic add-in's "Import Functions" must produce a VBA module that Excel compiles. xlwings
writes one VBA wrapper per function, with the Python parameter names as VBA parameter names
(`Function DT_CHOICE(chosen, options, points)`), so a parameter named like a VBA keyword
(`option`, `currency`…) breaks the whole module. The module is generated with xlwings' own
generator (tests/vba_wrappers.py), then checked against the VBA language specification ([MS-VBAL])
and parsed with an independent VBA grammar (antlr4-vba)."""

import re

import pytest
from antlr4 import CommonTokenStream, InputStream
from antlr4.error.ErrorListener import ErrorListener
from antlr4_vba.vbaLexer import vbaLexer
from antlr4_vba.vbaParser import vbaParser

from dtscore.udfs import functions
from tests.vba_wrappers import vba_module

# [MS-VBAL] 3.3.5.2 reserved identifiers: statement, marker and operator keywords, reserved names,
# special forms, reserved type identifiers and literals — none may name a parameter.
VBA_RESERVED = {w.casefold() for w in """
    Call Case Close Const Declare DefBool DefByte DefCur DefDate DefDbl DefInt DefLng DefLngLng DefLngPtr
    DefObj DefSng DefStr DefVar Dim Do Else ElseIf End EndIf Enum Erase Event Exit For Friend Function Get
    Global GoSub GoTo If Implements Input Let Lock Loop LSet Next On Open Option Print Private Public Put
    RaiseEvent ReDim Resume Return RSet Seek Select Set Static Stop Sub Type Unlock Wend While With Write
    Any As ByRef ByVal Each In New Shared Until WithEvents Optional ParamArray Preserve Spc Tab Then To
    AddressOf And Eqv Imp Is Like Mod Not Or TypeOf Xor
    Abs CBool CByte CCur CDate CDbl CDec CInt CLng CLngLng CLngPtr CSng CStr CVar CVErr Date Debug DoEvents
    Fix Int Len LenB Me PSet Scale Sgn String Array Circle InputB LBound UBound
    Boolean Byte Currency Double Integer Long LongLong LongPtr Single Variant Decimal Object
    True False Nothing Empty Null
    Attribute Base Binary Compare Database Explicit Module Text Error Rem Mid MidB Line Name Width
""".split()}

# Names the generated wrapper itself uses (xlwings.udfs.generate_vba_wrapper): a parameter of the
# same name would shadow them inside the wrapper.
WRAPPER_NAMES = {w.casefold() for w in """
    Application Caller Range XLPy CallUDF ActiveWorkbook ThisWorkbook failed Err Description
    argsArray k CommandBars Controls Enabled Volatile
""".split()}

IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
SIGNATURE = re.compile(r"^(?:Function|Sub) (\w+)\((.*)\)$", re.M)
MAX_LINE = 1023  # VBA's longest physical line
MAX_NAME = 255  # VBA identifiers and Excel function names
MAX_PARAMS = 60  # VBA procedure arguments
CELL_REFERENCE = re.compile(r"(?:[A-Z]{1,3}[0-9]+|R[0-9]*C[0-9]*)\Z", re.I)  # a name Excel reads as a cell


def signatures(module_text: str) -> dict:
    """{function name: [parameter names]} of a generated module."""
    out = {}
    for name, params in SIGNATURE.findall(module_text):
        out[name] = [re.sub(r"^(Optional|ParamArray) |\(\)$", "", p.strip()) for p in params.split(",") if p.strip()]
    return out


def problems(module_text: str) -> list[str]:
    """Everything in a generated module that would stop Excel compiling or calling it."""
    found = []
    for number, line in enumerate(module_text.splitlines(), 1):
        if not line.isascii():
            found.append(f"line {number} is not ASCII (VBA modules are stored in the ANSI code page)")
        if len(line) > MAX_LINE:
            found.append(f"line {number} has {len(line)} characters (VBA: at most {MAX_LINE})")
    for name, params in signatures(module_text).items():
        if not IDENTIFIER.match(name) or len(name) > MAX_NAME or CELL_REFERENCE.match(name):
            found.append(f"{name}: not a usable VBA/Excel function name")
        if len(params) > MAX_PARAMS:
            found.append(f"{name}: {len(params)} parameters (VBA: at most {MAX_PARAMS})")
        seen = {name.casefold()}
        for param in params:
            key = param.casefold()
            if not IDENTIFIER.match(param) or len(param) > MAX_NAME:
                found.append(f"{name}({param}): not a VBA identifier")
            if key in VBA_RESERVED:
                found.append(f"{name}({param}): a reserved word in VBA")
            if key in WRAPPER_NAMES:
                found.append(f"{name}({param}): shadows a name the xlwings wrapper uses")
            if key in seen:
                found.append(f"{name}({param}): clashes with another name of the function (VBA ignores case)")
            seen.add(key)
    return found


def excel_branch(module_text: str) -> str:
    """The module as VBA compiles it in Excel: conditional compilation resolved for App = "Microsoft Excel"."""
    out, keep = [], [True]
    for line in module_text.splitlines():
        directive = line.strip()
        if directive.startswith("#Const"):
            continue
        if directive.startswith("#If "):
            keep.append(keep[-1] and directive == '#If App = "Microsoft Excel" Then')
        elif directive == "#Else":
            keep[-1] = keep[-2] and not keep[-1]
        elif directive == "#End If":
            keep.pop()
        elif keep[-1]:
            out.append(line)
    return "\n".join(out) + "\n"


class _Errors(ErrorListener):
    def __init__(self):
        self.errors = []

    def syntaxError(self, recognizer, offending, line, column, msg, e):  # noqa: N802 — ANTLR's name
        self.errors.append(f"line {line}:{column} {msg}")


def syntax_errors(module_text: str) -> list[str]:
    errors = _Errors()
    lexer = vbaLexer(InputStream(excel_branch(module_text)))
    parser = vbaParser(CommonTokenStream(lexer))
    for part in (lexer, parser):
        part.removeErrorListeners()
        part.addErrorListener(errors)
    parser.startRule()
    return errors.errors


@pytest.fixture(scope="module")
def module_text():
    return vba_module("dtscore.udfs.functions")


def test_every_function_gets_a_wrapper(module_text):
    assert sorted(signatures(module_text)) == sorted(functions.__all__)
    assert signatures(module_text)["DT_CHOICE"] == ["chosen", "options", "points"]


def test_wrappers_are_valid_vba(module_text):
    assert problems(module_text) == []
    assert syntax_errors(module_text) == []


# (parameter name, what the rules say, does the grammar itself refuse it too)
REFUSED = [
    ("option", "a reserved word", True), ("currency", "a reserved word", True), ("Array", "a reserved word", True),
    ("argsArray", "shadows", False), ("lựa_chọn", "not a VBA identifier", True), ("options", "clashes", False),
    ("x" * 256, "not a VBA identifier", False),
]


@pytest.mark.parametrize("bad, why, unparsable", REFUSED, ids=[r[0][:10] for r in REFUSED])
def test_the_checks_catch_what_excel_would_refuse(module_text, bad, why, unparsable):
    """DT_CHOICE's first parameter renamed to something VBA refuses: the rules object, and the
    grammar too where the module no longer parses."""
    broken = module_text.replace("(chosen, ", f"({bad}, ")
    assert any(why in p for p in problems(broken))
    assert bool(syntax_errors(broken)) is unparsable
