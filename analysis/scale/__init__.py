"""Scale: the same extraction, reconciliation and models on a Dask cluster.

In: sharded corpora (JSON lines or Parquet) or large event tables, and a scheduler address.
Out: the same tables as the in-process path, byte for byte. ``cluster`` opens a Dask client
(a local or remote cluster: not to be confused with the reconciliation's groups of
mentions), ``shards`` reads and writes corpus shards, ``distributed`` maps extraction and
reconciliation over workers, ``atlas`` computes one row of statistics per dyad and
``atlas_report`` presents it.
"""
