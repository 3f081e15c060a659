"""aipolicy: build-vs-buy economics of LLM serving, tied to AI-infrastructure market signals.

The package has three jobs, one sub-package each, plus the report runner:

- :mod:`aipolicy.costs`: API cost, self-hosted TCO, break-even, hybrid split, investor view,
  uncertainty;
- :mod:`aipolicy.marketdata`: prices (yfinance), FRED series, AI-infrastructure IPOs, from the
  embedded sample, a CSV folder, the live services or the local cache;
- :mod:`aipolicy.signals`: returns, performance, regressions, event studies, claims check;
- :mod:`aipolicy.report`: runs the notebooks with papermill and renders the reports.

Heavy libraries (pandas, statsmodels, matplotlib, yfinance) are imported by the sub-packages
that need them, never here, so ``import aipolicy`` stays fast.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
