"""Dashboards: query-backed tiles with parameters, kept in one file format a team can version.

model.py is the file format and its validation, binding.py turns parameter values into the
engine's native parameters, store.py keeps dashboards in the app database, refresh.py runs
the tiles (bounded concurrency, cache, cancel). No Reflex here.
"""
