"""The ``escalation`` command line: one module per subcommand.

In: arguments from the shell. Out: files written by the library stages and an exit status
(0 done, 2 bad input or a file that cannot be read or written, with one message naming
the file, line or field). Each subcommand
module is imported only when it runs, so ``escalation --help`` and ``escalation events``
never pay for the reporting stack. Nothing in the library imports this package.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from analysis.errors import UsageError

#: subcommand -> (module, one-line help). Each module has ``add_arguments(parser)`` and
#: ``run(args) -> int``.
SUBCOMMANDS = {
    "events": ("analysis.commands.events", "build the event table from the articles"),
    "describe": (
        "analysis.commands.describe",
        "list a table's sides, event types and dates: the parameter values to use",
    ),
    "import": ("analysis.commands.imports", "import an external event dataset into the schema"),
    "reports": ("analysis.commands.reports", "render the notebooks to offline HTML reports"),
    "atlas": ("analysis.commands.atlas", "compute the escalation atlas of every dyad"),
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``escalation`` console script."""
    parser = argparse.ArgumentParser(
        prog="escalation", description="Escalation dynamics: event tables, models and reports."
    )
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
    except OSError as err:
        # A file that vanished, a full disk or a permission changed during the run: the
        # outputs were replaced together or not at all, so a message is all that is needed.
        where = err.filename or "a file"
        print(
            f"escalation {args.command}: error: {where}: {err.strerror or err}; "
            "check the path, the permissions and the free space, then run again",
            file=sys.stderr,
        )
        return 2
