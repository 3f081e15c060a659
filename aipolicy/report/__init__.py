"""The report runner: execute the notebooks with papermill and render the reports.

``aipolicy report`` (see :mod:`aipolicy.commands.report`) selects notebooks from
:data:`aipolicy.config.NOTEBOOKS_DIR`, validates the parameters, runs the notebooks in worker
processes (or on a Dask cluster with ``--scheduler``) and writes a report folder atomically:
executed notebooks, one HTML per notebook, ``summary.json`` (every recorded figure),
``index.html`` and ``manifest.json`` (the marker of a complete report, with the input hashes
that ``--reuse`` compares).

Modules: :mod:`~aipolicy.report.notebooks` (discovery, parameter inspection),
:mod:`~aipolicy.report.params` (``--params`` YAML), :mod:`~aipolicy.report.fingerprint`
(input hashes), :mod:`~aipolicy.report.execute` (one notebook in one worker),
:mod:`~aipolicy.report.render` (HTML), :mod:`~aipolicy.report.index` (index and summary),
:mod:`~aipolicy.report.progress`, :mod:`~aipolicy.report.runner` (the whole run),
:mod:`~aipolicy.report.dask_runner` (``--scheduler``: notebooks on Dask workers),
:mod:`~aipolicy.report.matrix` (``--matrix``: one report per parameter set),
:mod:`~aipolicy.report.store_outputs` (``make notebooks``).

Nothing heavy is imported here: papermill and nbconvert load only when a notebook must run.
"""

from __future__ import annotations
