"""Economics over time: the comparison as an investment, and what falling token prices imply.

:mod:`.investor` turns self-hosting into monthly cash flows (NPV, IRR, payback) under falling
API and GPU prices and inflation; :mod:`.trends` moves today's break-even along the price
trends; :mod:`.price_events` dates the API list-price changes of genai-prices' history;
:mod:`.model_events` holds the curated, sourced announcements of cheaper models;
:mod:`.compute_demand` projects the GPU demand a token-demand scenario implies (the Jevons
question), with inputs calibrated to public, dated figures in :mod:`.demand_inputs`. It builds on the comparison and the catalogs.
"""
