"""One house style for every figure and table: colour-blind-safe palette, titles that
state the finding, labelled axes with units and a source line; tables shown as reader
tables (:mod:`analysis.present.reader_tables`)."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

from analysis.present import reader_tables

#: Okabe-Ito palette, safe for the common forms of colour blindness.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
SIDE_COLOURS = {"A": PALETTE[0], "B": PALETTE[1]}


def apply_house_style() -> None:
    """Set matplotlib defaults for the reports and, in a notebook, show every displayed
    ``DataFrame`` as a reader table (:func:`analysis.present.reader_tables.install`). Call
    once at the top of a notebook."""
    reader_tables.install()
    mpl.rcParams.update(
        {
            "figure.figsize": (8, 4),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.grid": True,
            "grid.alpha": 0.3,
            "legend.frameon": False,
            "font.size": 10,
            # Embed text as paths: identical bytes on every machine and no font downloads.
            "svg.fonttype": "path",
            "svg.hashsalt": "escalation",
        }
    )


def source_line(fig: plt.Figure, text: str) -> None:
    """Add a small source line under a figure (``"Source: ..."``)."""
    fig.text(0.01, -0.02, f"Source: {text}", fontsize=8, color="#555555", ha="left", va="top")
