"""Economics over time: the comparison as an investment, and what falling token prices imply.

:mod:`.investor` turns self-hosting into monthly cash flows (NPV, IRR, payback) under falling
API and GPU prices and inflation; :mod:`.trends` moves today's break-even along the price
trends; :mod:`.price_events` dates the API list-price changes of genai-prices' history;
:mod:`.compute_demand` projects the GPU demand a token-demand scenario implies (the Jevons
question). It builds on the comparison and the catalogs.
"""
