"""Start-up settings of aipolicy's own processes (its commands and the test run), not of
``import aipolicy``.

nbformat, which papermill, nbconvert and nbval all use, imports jsonschema, and jsonschema's
format checkers import the optional ``rfc3987_syntax`` package whenever it is installed
(JupyterLab's ``jupyter-events`` requires it). That import compiles some 35 Earley parsers for
the ``iri`` and ``iri-reference`` formats and costs about 0.8 s of CPU in every process that
reads a notebook (python-jsonschema/jsonschema#1428, opendatahub-io/notebooks#3532); a toy
``aipolicy report`` spent 40% of its CPU there. No notebook schema uses those two formats, so
the commands mark the package as absent before anything imports jsonschema: jsonschema then
leaves those two checkers out, as it does on any machine without the package. A process that
imported it already keeps it.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
