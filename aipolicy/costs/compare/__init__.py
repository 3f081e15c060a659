"""The comparison: one workload priced every way it can be served, and the break-even.

A :class:`~.scenario.Scenario` holds every input with its provenance (:mod:`.fields`,
:mod:`.inputs`, :mod:`.presets`, :mod:`.assumptions`) for a workload (:mod:`.workload`); the
cost models price the API (:mod:`.api`), self-hosting rented or bought (:mod:`.selfhost`) and
the hybrid split (:mod:`.hybrid`); :mod:`.curve` finds the break-even volume, :mod:`.options`
and :mod:`.threeway` lay every option side by side with the hosted open weights and the
cheapest proprietary model at least as good, and :mod:`.judgment` scores what is not cost.
It builds on the catalogs and on capacity.
"""
