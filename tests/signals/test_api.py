from __future__ import annotations

import subprocess
import sys

import aipolicy.signals as sig


def test_public_api_is_exported_and_listed_in_docstring():
    for name in sig.__all__:
        assert hasattr(sig, name), name
        assert name in sig.__doc__, name


def test_importing_signals_does_not_import_statsmodels():
    code = "import sys, aipolicy.signals; print('statsmodels' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
