"""The digest's chart: progress by standard as stacked bars, a PNG a principal reads on a
phone. matplotlib's object API (no pyplot): no global state, safe in any thread."""

from __future__ import annotations

from io import BytesIO

from templates.render import Renderer
from reports.digest_data import Digest
from reports.progress import BUCKETS

COLOURS = {"done": "#2e7d32", "in_progress": "#1e88e5", "late": "#f9a825",
           "not_started": "#e53935", "none": "#bdbdbd"}


def progress_chart(digest: Digest, renderer: Renderer) -> bytes:
    # Imported here: matplotlib takes a while to load and writes its font cache under the
    # home folder; a bot that never draws (the demo) should do neither.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    words = renderer.pairs("reports/chart_words.j2")
    figure = Figure(figsize=(6.4, 1.4 + 0.55 * len(digest.standards)), dpi=120)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [renderer.text("reports/chart_standard.j2", standard=s) for s in digest.standards]
    left = [0] * len(digest.standards)
    for bucket in BUCKETS:
        values = [s.by_status[bucket] for s in digest.standards]
        axes.barh(labels, values, left=left, color=COLOURS[bucket],
                  label=words[f"status_{bucket}"])
        left = [a + b for a, b in zip(left, values)]
    axes.invert_yaxis()
    axes.set_xlabel(words["x_label"])
    axes.set_title(renderer.text("reports/chart_title.j2", digest=digest), fontsize=10)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35 if len(labels) < 3 else -0.2),
                ncol=3, fontsize=8, frameon=False)
    figure.tight_layout()
    out = BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
