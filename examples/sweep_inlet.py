"""Sweep the coolant inlet and plot laser temperature and link flaps (a notebook as a script).

    pip install target/wheels/cporamp-*.whl matplotlib pandas   # the wheel: see README.md
    python examples/sweep_inlet.py                 # writes sweep_inlet.png (about a minute)
    python examples/sweep_inlet.py --backend ray   # the same sweep as Ray tasks (ray.init() here)

The co-packaged switch sits on a liquid cold plate; the coolant's supply temperature sets
how hot the optical engines run. With the laser integrated on the engine, the engine's
temperature is the laser's (the hottest engine is plotted). The microrings drift with the
engine too, away from where bring-up at the nominal inlet locked them: with an external laser (ELS, in the front panel at its own temperature) the
rings walk away from a laser grid that stays put, and past some inlet the heaters run out of
range and lanes lose lock: link flaps per lane-hour, with feedback only and with the
thermal feed-forward. Each inlet is one scenario of the sweep (the default scenario, about
7 CPU-s each; --scenario @quick for a noisier look in seconds); their seeds are derived
from the base seeds and the scenario's index, so the error bars are independent draws.
docs/sweep_inlet.png is this script's picture.
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import cporamp  # noqa: E402

# The operating inlet: the scenario's inlet sweep reduced to one inlet, swept, while the
# lanes are brought up at the nominal inlet (35 °C in the default scenario).
SWEEP_INLETS = "thermal.cold_plate.inlet_sweep_c"
INLET = SWEEP_INLETS + "[0]"
HOT_END = "at the hottest sweep inlet"
INTEGRATED = "CPO, integrated laser"
EXTERNAL = "CPO, external laser"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["local", "ray"], default="local")
    parser.add_argument("--out", default="sweep_inlet.png", help="the PNG to write")
    parser.add_argument(
        "--scenario", default="@default", help="base scenario: a file, @default or @quick"
    )
    args = parser.parse_args()

    inlets = [25.0, 30.0, 35.0, 40.0, 42.5, 45.0, 47.5, 50.0, 55.0]
    base = cporamp.Scenario.load(args.scenario).set(SWEEP_INLETS, [35.0])
    table = cporamp.sweep(
        base,
        {INLET: inlets},
        engines=["thermal", "photonics"],
        backend=args.backend,
    )
    frame = table.to_pandas().set_index(INLET)
    failed = frame[frame["error"].notna()]
    for inlet, row in failed.iterrows():
        print(f"inlet {inlet} °C failed: {row['error_field']}: {row['error'].splitlines()[-1]}")
    frame = frame[frame["error"].isna()]

    figure, (temperature, flaps) = plt.subplots(1, 2, figsize=(11, 4.2))
    for generation, style in [("51.2T", "o--"), ("102.4T", "s-")]:
        hottest = frame[f"thermal | {generation} {INTEGRATED} | hottest engine {HOT_END} [°C]"]
        temperature.plot(frame.index, hottest, style, label=f"{generation}: hottest engine = laser")
    for technology, style in [(EXTERNAL, "s-"), (INTEGRATED, "o--")]:
        for loop, color in [("feedback only", "tab:red"), ("feed-forward", "tab:blue")]:
            column = f"photonics | 102.4T {technology} | flaps {HOT_END}, {loop} [1/lane-h]"
            flaps.errorbar(
                frame.index, frame[column], yerr=2 * frame[column + " se"], fmt=style,
                color=color, capsize=3, label=f"{technology}, {loop}",
            )
    temperature.set(xlabel="coolant inlet, °C", ylabel="°C", title="Integrated laser temperature (engine)")
    temperature.grid(alpha=0.3)
    temperature.legend()
    flaps.set(xlabel="coolant inlet, °C", ylabel="flaps per lane-hour (±2 SE)", title="Link flaps at 102.4T")
    flaps.grid(alpha=0.3)
    flaps.legend(fontsize=8)
    figure.suptitle(f"Coolant inlet sweep ({args.scenario}, {len(frame)} scenarios)")
    figure.tight_layout()
    figure.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
