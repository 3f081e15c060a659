"""The decision map: every option of the comparison over a grid of workloads, on Dask.

- :mod:`aipolicy.sweep.grid`: the grid file (axes, ranges, checks), cells and chunks;
- :mod:`aipolicy.sweep.evaluate`: one chunk's cells, vectorised over volumes and draws;
- :mod:`aipolicy.sweep.store`: the Parquet dataset (atomic chunk files, metadata, resume);
- :mod:`aipolicy.sweep.run`: the run on a Dask cluster (local or existing) or in-process.
"""
