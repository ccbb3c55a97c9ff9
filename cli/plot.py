"""``absorption --plot FILE.png``: cumulative absorption curves by month, for the satker
and per jenis belanja, against the quarterly targets. matplotlib is an optional extra
(``pip install 'anggaran[plot]'``)."""

import os

from anggaran.errors import AnggaranError

from .render import MONTHS

COLOURS = {"": "black", "51": "tab:blue", "52": "tab:orange", "53": "tab:green"}


def absorption(result, path, locale="id", force=False, protect=()):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise AnggaranError("--plot needs matplotlib, an optional extra: "
                            "pip install 'anggaran[plot]'") from None
    months = list(range(1, 13))
    fig, ax = plt.subplots(figsize=(9, 5.5), dpi=110)
    for r in result["rows"]:
        colour = COLOURS.get(r["jenis"], None)
        label = f"{r['jenis']} {r['name']}" if r["jenis"] else r["name"]
        ax.plot(months, [float(m["absorption_pct"]) for m in r["months"]], marker="o",
                linewidth=2.4 if not r["jenis"] else 1.6, color=colour, label=label)
        targets = [(m["month"], float(m["target_pct"])) for m in r["months"] if m["target_pct"] is not None]
        if targets:
            ax.plot(*zip(*targets), linestyle="--", marker="s", color=colour, alpha=0.6,
                    label="target " + (r["jenis"] or ""))
            for m in r["months"]:
                if m["below_target"]:
                    ax.annotate("!", (m["month"], float(m["absorption_pct"])), color="red",
                                fontsize=14, fontweight="bold", xytext=(4, 4),
                                textcoords="offset points")
    names = MONTHS
    ax.set_xticks(months, names)
    ax.set_ylim(0, 105)
    ax.set_ylabel("% realisasi / (pagu − lock)")
    title = "Penyerapan anggaran kumulatif"
    ax.set_title(f"{title} — {result['satker']['code']} {result['satker']['name']} {result['year']}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", ncol=2)
    fig.tight_layout()
    from anggaran import outputs

    ending = os.path.splitext(path)[1].lower().lstrip(".")
    try:  # the picture format follows the name's ending (PNG without one)
        with outputs.new_file(path, force, protect) as tmp:
            try:
                fig.savefig(tmp, format=ending or "png")
            except OSError as e:
                raise AnggaranError(f"cannot write {path}: {e.strerror}") from None
            except ValueError:  # matplotlib: an ending it cannot write
                raise AnggaranError(f"cannot draw {path}: use a name ending in .png, .svg "
                                    "or .pdf") from None
    finally:
        plt.close(fig)
