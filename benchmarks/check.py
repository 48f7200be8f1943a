"""`ane-kb check` on big models, against a process that only imports coremltools and loads the spec.

Builds a NeuralNetwork model with 5,000 layers and an ML Program with 5,000 ops (and 500-layer ones
for the growth ratio), then prints medians of 5 process runs measured side by side, their ratio
(goal: at most 1.3x) and peak memory. Run with `make bench` or `.venv/bin/python benchmarks/check.py`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASELINE = ("import logging, sys; logging.getLogger('coremltools').setLevel(logging.ERROR); "
            "sys.modules['torch'] = None; import coremltools as ct; ct.utils.load_spec(sys.argv[1])")


def build_models(folder: Path, layers: int) -> tuple[Path, Path]:
    from tests.check.models import ct, datatypes, mb, np
    from coremltools.models.neural_network import NeuralNetworkBuilder

    builder = NeuralNetworkBuilder([("x", datatypes.Array(8, 16, 16))], [("y", None)])
    weights = np.full((3, 3, 8, 8), 0.1, np.float32)
    previous = "x"
    for i in range(layers):
        out = "y" if i == layers - 1 else f"t{i}"
        if i % 2:
            builder.add_activation(f"relu{i}", "RELU", input_name=previous, output_name=out)
        else:
            builder.add_convolution(f"conv{i}", kernel_channels=8, output_channels=8, height=3, width=3,
                                    stride_height=1, stride_width=1, border_mode="same", groups=1, W=weights, b=None,
                                    has_bias=False, input_name=previous, output_name=out)
        previous = out
    nn_path = folder / f"nn{layers}.mlmodel"
    ct.utils.save_spec(builder.spec, str(nn_path))

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 8, 16, 16))], opset_version=ct.target.iOS16)
    def prog(x):  # type: ignore[no-untyped-def]
        for i in range(layers // 2):
            x = mb.conv(x=x, weight=np.full((8, 8, 3, 3), 0.1, np.float32), pad_type="same", name=f"conv{i}")
            x = mb.relu(x=x, name=f"relu{i}")
        return x

    model = ct.convert(prog, convert_to="mlprogram", minimum_deployment_target=ct.target.iOS16)  # fp16, as usual
    mil_path = folder / f"mil{layers}.mlpackage"
    model.save(str(mil_path))
    return nn_path, mil_path


def one_run(args: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed")
    return elapsed, usage.ru_maxrss


def compare(model: Path, runs: int = 5) -> float:
    check = [sys.executable, "-m", "ane_kb", "check", str(model), "--format", "json"]
    base = [sys.executable, "-c", BASELINE, str(model)]
    samples: dict[str, list[tuple[float, int]]] = {"check": [], "base": []}
    for _ in range(runs):
        samples["check"].append(one_run(check))
        samples["base"].append(one_run(base))
    (t_check, m_check), (t_base, m_base) = ((statistics.median(s[0] for s in samples[k]),
                                            statistics.median(s[1] for s in samples[k])) for k in ("check", "base"))
    print(f"{model.name:<20} check {t_check:6.2f} s {m_check / 1024:7.1f} MiB   coremltools load {t_base:6.2f} s "
          f"{m_base / 1024:7.1f} MiB   ratio {t_check / t_base:5.2f}x (goal <= 1.3x)")
    return t_check


def build_in_subprocess(folder: Path, layers: int) -> tuple[Path, Path]:
    """Build in a child process: peak memory is inherited across fork, so this process must stay small."""
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); from check import build_models; " \
           f"from pathlib import Path; build_models(Path({str(folder)!r}), {layers})"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)
    return folder / f"nn{layers}.mlmodel", folder / f"mil{layers}.mlpackage"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small = build_in_subprocess(folder, 500)
        large = build_in_subprocess(folder, 5000)
        for kind, (s_model, l_model) in zip(("NeuralNetwork", "ML Program"), zip(small, large)):
            print(f"{kind}:")
            t_small = compare(s_model)
            t_large = compare(l_model)
            print(f"  growth 5000 / 500 layers: {t_large / t_small:.2f} (10 would be linear in the layers alone; "
                  f"process start-up is shared)")


if __name__ == "__main__":
    main()
