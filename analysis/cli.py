"""The ``escalation`` command. Each subcommand lives in its own module, imported only when
it runs, so that ``escalation events`` never pays for the reporting stack."""

from __future__ import annotations

import argparse
import importlib
import sys

#: subcommand -> (module, one-line help). Each module has ``add_arguments(parser)`` and
#: ``run(args) -> int``.
SUBCOMMANDS = {
    "events": ("analysis.pipeline", "build the event table from the articles"),
    "import": ("analysis.importers.cli", "import an external event dataset into the schema"),
    "reports": ("analysis.reporting.build", "render the notebooks to offline HTML reports"),
    "atlas": ("analysis.atlas", "compute the escalation atlas of every dyad"),
}


class UsageError(Exception):
    """Bad input: the message says which file or field and what to do; exit status 2."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``escalation`` console script."""
    parser = argparse.ArgumentParser(prog="escalation", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            module = importlib.import_module(module_name)
            module.add_arguments(sp)
            sp.set_defaults(_run=module.run)
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except UsageError as err:
        print(f"escalation {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    # Re-import so that ``python -m analysis.cli`` and the modules share one UsageError class.
    from analysis.cli import main as _main

    sys.exit(_main())
