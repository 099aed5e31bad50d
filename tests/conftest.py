"""Test setup. xlwings' decorators only register functions for xlwings Server when these are set
before xlwings is first imported, so they are set here, at the top of the test session."""

import os

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
