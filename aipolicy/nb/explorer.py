"""The interactive cost explorer of notebook 01: sliders over the main inputs.

The recomputation is :func:`aipolicy.costs.explore` (a plain function, unit-tested); this
module prints its result (:func:`explore_text`) and builds the ipywidgets sliders around it, but
only when a widget frontend is attached (:func:`frontend_attached`): headless runs (papermill,
the report runner, nbval) print :data:`EXPLORER_HEADLESS_NOTE` instead and never wait on a
widget. Money is USD per month.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any

from aipolicy.nb.format import fmt_scaled, fmt_usd

__all__ = ["EXPLORER_HEADLESS_NOTE", "HEADLESS_ENV", "WIDGETS_ENV", "explore_text", "explorer",
           "frontend_attached"]


def explore_text(result: Mapping[str, Any]) -> str:
    """Plain-text summary of :func:`aipolicy.costs.explore`'s result (USD per month)."""
    be = result["breakeven_tokens_per_day"]
    be_txt = "not reached" if be is None else f"{fmt_scaled(be, 1)} tokens/day"
    return "\n".join([
        f"API                 {fmt_usd(result['api_monthly_usd']):>14} / month",
        f"self-host           {fmt_usd(result['selfhost_monthly_usd']):>14} / month "
        f"({result['selfhost_replicas']} replicas)",
        f"best hybrid         {fmt_usd(result['hybrid_monthly_usd']):>14} / month "
        f"({result['hybrid_replicas']} self-hosted replicas)",
        f"cheapest: {result['cheapest']}; break-even: {be_txt}",
    ])


#: Set to 1 in a kernel's environment to say no widget frontend is attached (the report runner,
#: ``make notebooks`` and the tests set it); set ``AIPOLICY_WIDGETS=1`` to build widgets anyway.
HEADLESS_ENV = "AIPOLICY_HEADLESS"
WIDGETS_ENV = "AIPOLICY_WIDGETS"
EXPLORER_HEADLESS_NOTE = (
    "Interactive explorer: not built in this headless run (no widget frontend). "
    "Open the notebook in JupyterLab (make lab) to use the sliders."
)


def frontend_attached(environ: Mapping[str, str] | None = None) -> bool:
    """True when a widget-capable frontend (JupyterLab, Notebook) drives this kernel.

    Widgets block headless executors at random (nbclient and papermill can wait on a comm
    reply that never comes), so widgets are built only when a frontend is known to be there:
    ``AIPOLICY_WIDGETS=1`` forces them, ``AIPOLICY_HEADLESS=1`` forbids them, and otherwise a
    kernel started by a Jupyter server (which sets ``JPY_SESSION_NAME``) has a frontend while
    papermill, nbconvert, nbclient and nbval kernels do not.
    """
    env = os.environ if environ is None else environ
    if env.get(WIDGETS_ENV, "") == "1":
        return True
    if env.get(HEADLESS_ENV, "") == "1":
        return False
    return bool(env.get("JPY_SESSION_NAME"))


def explorer(scenario: Any) -> Any:
    """ipywidgets sliders over the main inputs, printing :func:`aipolicy.costs.explore`'s summary.

    Built only when :func:`frontend_attached` (JupyterLab); in a headless run it prints one
    line saying so and returns None, so papermill, reports and tests never wait on a widget.
    Returns the ``interactive`` widget otherwise.
    """
    if not frontend_attached():
        print(EXPLORER_HEADLESS_NOTE)
        return None
    import ipywidgets as w

    rpd = max(scenario.requests_per_day, 1.0)
    style = {"description_width": "170px"}
    layout = w.Layout(width="520px")
    sliders = {
        "requests_per_day": w.FloatLogSlider(
            value=rpd, base=10, min=math.log10(rpd) - 2, max=math.log10(rpd) + 2, step=0.05,
            description="requests/day", style=style, layout=layout, continuous_update=False),
        "gpu_hour_usd": w.FloatSlider(
            value=scenario.gpu_hour_usd if math.isfinite(scenario.gpu_hour_usd) else 2.5,
            min=0.5, max=12.0, step=0.05, description="GPU $/hour (rent)",
            disabled=scenario.acquisition != "rent", style=style, layout=layout,
            continuous_update=False),
        "planning_utilization": w.FloatSlider(
            value=scenario.planning_utilization, min=0.2, max=1.0, step=0.05,
            description="utilisation (of capacity)", style=style, layout=layout,
            continuous_update=False),
        "staff_fte": w.FloatSlider(
            value=scenario.staff_fte, min=0.0, max=max(4.0, scenario.staff_fte * 2), step=0.05,
            description="staff FTE (self-host)", style=style, layout=layout,
            continuous_update=False),
        "api_price_factor": w.FloatSlider(
            value=1.0, min=0.1, max=1.5, step=0.05, description="API price x list",
            style=style, layout=layout, continuous_update=False),
    }

    from aipolicy.costs import explore

    def show(**kw: float) -> None:
        print(explore_text(explore(scenario, **kw)))

    ui = w.interactive(show, **sliders)
    try:
        from IPython.display import display

        display(ui)
    except ImportError:  # pragma: no cover
        pass
    return ui
