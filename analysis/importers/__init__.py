"""Importers of external event data sets into the project's event table.

One module per source format, each with a pure ``convert_chunk(frame, spec) -> DataFrame``:

- ``acled``: ACLED exports;
- ``ucdp``: UCDP GED CSV files;
- ``mapped``: any CSV described by a YAML mapping file;
- ``iraq``: the Iraq 2007-2008 airstrike and insurgency files shipped in
  ``data/external/iraq-2007-2008/``;
- ``gdelt``: GDELT 2.0 event exports (material conflict only), streamed chunk by chunk.

``common`` holds the chunked reading, value parsing and writing they share; ``dispatch``
picks the importer of a format (:func:`~analysis.importers.dispatch.import_events`).
In: files of another data set. Out: event tables in the schema of :mod:`analysis.schema`.
The coding conventions are in ``README.md`` next to this file.
"""
