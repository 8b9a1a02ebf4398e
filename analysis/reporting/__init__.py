"""Reports: notebooks and an event table -> offline HTML pages and an index.

- ``config``: read and validate ``reports.yml`` (report sets and their parameters).
- ``cache``: cache keys, so that unchanged reports are not rebuilt.
- ``execute``: run notebooks with papermill in worker processes.
- ``render``: one executed notebook -> one self-contained page (house template).
- ``index``: the index page.
- ``provenance``: commit, versions and build time for the page footers.
- ``build``: plan, run and index a build (``escalation reports`` calls it).
"""
