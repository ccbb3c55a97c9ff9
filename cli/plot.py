"""``absorption --plot FILE.png``: cumulative absorption curves by month, for the satker
and per jenis belanja, against the quarterly targets; ``rpd --plot``: plan and realisation
per jenis with the 5 % band. matplotlib is an optional extra
(``pip install 'anggaran[plot]'``)."""

import os

from anggaran import codes
from anggaran.errors import AnggaranError

from .render import MONTHS

COLOURS = {"": "black", "51": "tab:blue", "52": "tab:orange", "53": "tab:green"}


def absorption(result, path, locale="id", force=False, protect=()):
    plt = _pyplot()
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
    _save(fig, plt, path, force, protect)


def rpd(result, path, locale="id", force=False, protect=()):
    """``rpd --plot``: per jenis, the monthly plan with its ±5 % band and the realisation."""
    plt = _pyplot()
    jenis = sorted({j["jenis"] for m in result["months"] for j in m["jenis"]})
    fig, axes = plt.subplots(len(jenis) or 1, 1, figsize=(9, 2.6 * max(1, len(jenis))), dpi=110,
                             squeeze=False)
    for ax, code in zip(axes[:, 0], jenis):
        months, plan, real = [], [], []
        for i, m in enumerate(result["months"], start=1):
            row = next((j for j in m["jenis"] if j["jenis"] == code), None)
            if row is not None:
                months.append(i)
                plan.append(row["plan"] / 1e6)
                real.append(row["realised"] / 1e6)
        colour = COLOURS.get(code)
        ax.plot(months, plan, linestyle="--", marker="s", color=colour, label="RPD")
        ax.fill_between(months, [p * 0.95 for p in plan], [p * 1.05 for p in plan],
                        color=colour, alpha=0.15, label="RPD ± 5 %")
        ax.plot(months, real, marker="o", color="black", linewidth=1.6, label="realisasi")
        ax.set_title(f"{code} {codes.jenis_name(code)}", fontsize=10)
        ax.set_xticks(range(1, 13), MONTHS)
        ax.set_ylabel("juta rupiah")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    fig.suptitle(f"RPD dan realisasi — {result['satker']['code']} {result['satker']['name']} "
                 f"{result['year']}", fontsize=11)
    _save(fig, plt, path, force, protect)


def _pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise AnggaranError("--plot needs matplotlib, an optional extra: "
                            "pip install 'anggaran[plot]'") from None
    return plt


def _save(fig, plt, path, force, protect):
    """Write the figure through a temporary file and a rename (outputs.new_file)."""
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
