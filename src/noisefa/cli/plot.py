"""Draw one paper figure as PNG and PDF.

python -m noisefa.cli.plot --figure fig2b --out results/figures/fig2b --collected DIR --stats FILE
"""

from __future__ import annotations

from pathlib import Path

from ..catalogue import FIGURES
from ..collected import Collected
from ..job_files import read_table
from ..studies import part
from .common import command_parser, json_argument, log, run


def main(argv: list[str] | None = None) -> None:
    parser = command_parser("noisefa.cli.plot", __doc__)
    parser.add_argument("--figure", required=True, choices=sorted(FIGURES))
    parser.add_argument(
        "--out", type=Path, required=True, help="path prefix; .png and .pdf are added"
    )
    parser.add_argument("--collected", type=Path, help="the study's collected tables")
    parser.add_argument("--stats", type=Path, help="the study's statistics CSV")
    parser.add_argument("--data-dir", type=Path, help="staged data (figures that show images)")
    parser.add_argument("--noise", help="noise tag (figures that show noise)")
    parser.add_argument("--params", type=json_argument, default={}, help="study settings as JSON")
    args = parser.parse_args(argv)
    from ..figures import marks
    from ..figures.layout_check import layout_problems
    from ..figures.style import FigureInputs, apply_style, label_panels, save_figure

    spec = FIGURES[args.figure]
    apply_style()
    inputs = FigureInputs(
        collected=Collected(args.collected) if args.collected else None,
        stats=read_table(Path(args.stats)) if args.stats else None,
        data_dir=args.data_dir,
        noise=args.noise,
        params=args.params,
    )
    draw = getattr(part(spec.study, "figures"), spec.id)
    marks.reset()
    fig = draw(inputs)
    label_panels(fig)
    notes = [marks.footnote(args.figure), args.params.get("coverage", "")]
    if note := "\n".join(n for n in notes if n):  # below the panels: tests, n, what's missing
        fig.supxlabel(note, fontsize=6)  # a layout element: the panels make room for it
    fig.suptitle(fig._suptitle.get_text() if fig._suptitle else spec.title, fontsize=9)
    # counted in the log; the workflow test wants none
    problems = layout_problems(fig)
    log(f"{args.figure}: {len(problems)} layout problems")
    for problem in problems:
        log(f"  {problem}")
    paths = save_figure(fig, args.out)
    log(f"{args.figure}: {', '.join(map(str, paths))}")


if __name__ == "__main__":
    run(main)
