"""Plotting and notebook helpers shared by the notebooks (one module per notebook family).

``aipolicy.viz.market``: parameters, loading, banner/records and plots of the market
notebooks (03-06). Modules are imported explicitly; importing this package imports nothing.
"""
