"""`ane-kb check` on big models, against the protobuf floor: a process that loads the same Core ML spec
modules the checker uses and parses the model file, nothing more.

Cases: NeuralNetwork and ML Program models of 500 and 5,000 layers, and ML Programs of 5,000 and 50,000 ops
built without optimisation passes (the size of a language model's graph). Medians of 5 process runs,
measured side by side. Goals (issue #22): at most 2.5x the floor at 5,000 ops, and 50k / 5k growth at most
12x. Big models are cached under .cache/benchmarks (git-ignored). Run with `make bench`.

Big weights (issue #20): ML Programs with 1 GiB and 4 GiB of fp16 weights, written straight into weight.bin in a
temporary folder (tests/check/big_models.py: real data, no converter, never the weights in RAM). The checker's time is
set against `cat weight.bin > /dev/null` of the same file, its peak RSS (ru_maxrss of its process) against the
checker's on the same graph with tiny weights. Goals: time at most 3x one read, peak RSS under 600 MiB. Medians of 3.

The package is byte-compiled before any case, as an installed one is.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "benchmarks"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from goals import TINY, at_most, byte_compiled, runs, summary  # noqa: E402

# Python start-up, the spec modules and the parse, nothing of ane_kb: `proto.py` is loaded by its path, since
# importing it as `ane_kb.check.proto` would import the checker's package (and put its start-up in the floor).
FLOOR = ("import importlib.util, sys; from pathlib import Path; "
         "s = importlib.util.spec_from_file_location('proto', sys.argv[2]); m = importlib.util.module_from_spec(s); "
         "s.loader.exec_module(m); "
         "p = Path(sys.argv[1]); p = p / 'Data' / 'com.apple.CoreML' / 'model.mlmodel' if p.is_dir() else p; "
         "m.modules().Model_pb2.Model().ParseFromString(p.read_bytes())")
PROTO = ROOT / "src" / "ane_kb" / "check" / "proto.py"


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


def build_flat_program(folder: Path, ops: int) -> Path:
    """An ML Program of `ops` conv and relu ops in fp16, converted with no optimisation passes."""
    from tests.check.models import ct, mb, np

    weight = np.full((8, 8, 3, 3), 0.1, np.float16)

    @mb.program(input_specs=[mb.TensorSpec(shape=(1, 8, 16, 16), dtype=ct.converters.mil.mil.types.fp16)],
                opset_version=ct.target.iOS16)
    def prog(x):  # type: ignore[no-untyped-def]
        for i in range(ops // 2):
            x = mb.conv(x=x, weight=weight, pad_type="same", name=f"conv{i}")
            x = mb.relu(x=x, name=f"relu{i}")
        return x

    model = ct.convert(prog, convert_to="mlprogram", minimum_deployment_target=ct.target.iOS16,
                       pass_pipeline=ct.PassPipeline.EMPTY, compute_precision=ct.precision.FLOAT32)
    path = folder / f"flat{ops}.mlpackage"
    model.save(str(path))
    return path


def one_run(args: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed")
    return elapsed, usage.ru_maxrss


def compare(model: Path, goal: float | None) -> float:
    check = [sys.executable, "-m", "ane_kb", "check", str(model), "--format", "json"]
    floor = [sys.executable, "-c", FLOOR, str(model), str(PROTO)]
    samples: dict[str, list[tuple[float, int]]] = {"check": [], "floor": []}
    for _ in range(runs(5)):
        samples["check"].append(one_run(check))
        samples["floor"].append(one_run(floor))
    (t_check, m_check), (t_floor, m_floor) = ((statistics.median(s[0] for s in samples[k]),
                                              statistics.median(s[1] for s in samples[k])) for k in ("check", "floor"))
    ratio = t_check / t_floor
    shown = at_most(f"{model.name} against the protobuf floor", ratio, goal) if goal else f"{ratio:.2f}x"
    print(f"  {model.name:<22} check {t_check:6.2f} s {m_check / 1024:7.1f} MiB   protobuf floor {t_floor:6.2f} s "
          f"{m_floor / 1024:7.1f} MiB   ratio {shown}")
    return t_check


def cached(name: str, code: str) -> Path:
    """A model built once in a child process and kept in the cache."""
    path = CACHE / name
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            _build(Path(tmp), code)
            for built in Path(tmp).iterdir():  # build_models makes both formats: keep both
                if not (CACHE / built.name).exists():
                    shutil.move(str(built), str(CACHE / built.name))
    return path


def _build(folder: Path, call: str) -> None:
    """Run `call` (a builder of this module, writing into `folder`) in a child process: peak memory is inherited
    across fork, so the measuring process must stay small."""
    script = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); from check import *; " \
             f"from pathlib import Path; folder = Path({str(folder)!r}); {call}"
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT, capture_output=True)


def build_in_subprocess(folder: Path, layers: int) -> tuple[Path, Path]:
    """Both formats with `layers` layers, built in a child process into `folder` (the browser benchmark's use)."""
    _build(folder, f"build_models(folder, {layers})")
    return folder / f"nn{layers}.mlmodel", folder / f"mil{layers}.mlpackage"


BIG_WEIGHTS = ((1, 4), (4, 16))  # (GiB, MLP blocks of 2 x 128 MiB)
HIDDEN, FFN = 4096, 16384


def build_big(folder: Path, blocks: int, hidden: int, ffn: int, name: str) -> None:
    """An ML Program of `blocks` MLP blocks with real fp16 weights (run in a child process by _build)."""
    sys.path.insert(0, str(ROOT))
    from tests.check.big_models import write_package

    write_package(folder, blocks, hidden, ffn, sparse=False, name=name)


def _cat_time(path: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["sh", "-c", 'cat "$1" > /dev/null', "sh", str(path)], check=True)
    return time.perf_counter() - started


def big_weights() -> None:
    """The checker on 1 GiB and 4 GiB of weights against one read of the weight file."""
    from tests.check.big_models import total_bytes, weight_file

    hidden, ffn = (64, 256) if TINY else (HIDDEN, FFN)
    print(f"ML Program with big weights (fp16, {2 * hidden * ffn / 1048576:g} MiB a blob, median of {runs(3)}):")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _build(folder, f"build_big(folder, 1, 64, 256, 'small.mlpackage')")
        check = [sys.executable, "-m", "ane_kb", "check", "--format", "json"]
        small = [one_run([*check, str(folder / "small.mlpackage")]) for _ in range(runs(3))]
        t_small, rss_floor = (statistics.median(s[i] for s in small) for i in range(2))
        print(f"  {'same graph, tiny weights':<26} check {t_small:6.2f} s   peak RSS {rss_floor / 1024:.0f} MiB "
              "(the checker's start-up: part of every ratio below)")
        for gib, blocks in BIG_WEIGHTS:
            name = f"big{gib}.mlpackage"
            _build(folder, f"build_big(folder, {blocks}, {hidden}, {ffn}, {name!r})")
            package, size = folder / name, total_bytes(blocks, hidden, ffn)
            samples = []
            for _ in range(runs(3)):
                read = _cat_time(weight_file(package))
                elapsed, rss = one_run([*check, str(package)])
                samples.append((elapsed, rss, read))
            t_check, rss, t_read = (statistics.median(s[i] for s in samples) for i in range(3))
            label = f"{gib} GiB" if not TINY else f"{size / 1048576:.2f} MiB (tiny, for {gib} GiB)"
            print(f"  {label:<26} check {t_check:6.2f} s   one read (cat) {t_read:6.2f} s   ratio "
                  f"{at_most(f'{gib} GiB weights against one read', t_check / t_read, 3.0)}")
            print(f"  {'':<26} the weights' share (check minus the tiny-weights check) {t_check - t_small:6.2f} s, "
                  f"{(t_check - t_small) / t_read:.2f}x one read (no goal: the start-up is in the ratio above)")
            print(f"  {'':<26} peak RSS {at_most(f'{gib} GiB weights peak RSS', rss / 1024, 600.0, ' MiB')}   "
                  f"floor (same graph, tiny weights) {rss_floor / 1024:.0f} MiB")
            shutil.rmtree(package)


def sizes() -> tuple[int, int, int]:
    return (20, 200, 2000) if TINY else (500, 5000, 50000)


def main() -> None:
    byte_compiled()
    small, large, huge = sizes()
    for kind, index in (("NeuralNetwork", 0), ("ML Program", 1)):
        print(f"{kind}:")
        suffix = ("mlmodel", "mlpackage")[index]
        models = [cached(f"{('nn', 'mil')[index]}{n}.{suffix}", f"build_models(folder, {n})") for n in (small, large)]
        t_small = compare(models[0], None)
        t_large = compare(models[1], 2.5)
        print(f"  growth {large} / {small} layers: {t_large / t_small:.2f} (process start-up is shared)")
    print(f"ML Program without optimisation passes ({large:,} and {huge:,} ops):")
    flat = [cached(f"flat{n}.mlpackage", f"build_flat_program(folder, {n})") for n in (large, huge)]
    t_five = compare(flat[0], 2.5)
    t_fifty = compare(flat[1], None)
    print(f"  growth {huge:,} / {large:,} ops: {at_most('50k / 5k growth', t_fifty / t_five, 12.0, '')}")
    big_weights()
    summary("check")


if __name__ == "__main__":
    main()
