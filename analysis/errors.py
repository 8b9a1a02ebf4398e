"""Errors the library raises on bad input.

Every module of the library raises these instead of printing or exiting; the command line
(``analysis.commands``) turns them into one message on stderr and exit status 2.
"""

from __future__ import annotations


class UsageError(Exception):
    """Bad input: the message says which file or field and what to do; exit status 2."""
