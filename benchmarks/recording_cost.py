"""What a recorded training step costs: every step recorded, the bundled MNIST configs.

For mnist_mlp and mnist_cnn (their models, data, optimizer and recording policy, but
``record.every = 1``), times one unrecorded step and one recorded step (chunk writes
included, in the background thread as in a real run) and prints ms/step, the cost of a
recorded step relative to an unrecorded one, and MB per recorded step. Then trains
mnist_cnn for one epoch with every step recorded (``engine.run.run``) and with recording
off, and prints the wall times and the trace size.

    .venv/bin/python benchmarks/recording_cost.py [--steps 40] [--repeats 5] [--root DIR]

``--root`` times another checkout of the code (e.g. an exported older commit).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def import_nnanim_from(root: Path) -> None:
    """Make ``import nnanim`` load the checkout at ``root``: a temporary folder holding a
    link named nnanim goes first on sys.path (before the installed package)."""
    import tempfile

    links = Path(tempfile.mkdtemp(prefix="nnanim-root-"))
    (links / "nnanim").symlink_to(root.resolve(), target_is_directory=True)
    sys.path.insert(0, str(links))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=40, help="timed steps per measurement")
    ap.add_argument("--repeats", type=int, default=5, help="measurements; the median is kept")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--root", type=Path, default=ROOT, help="code tree to import engine from")
    ap.add_argument("--skip-epoch", action="store_true", help="skip the one-epoch runs")
    args = ap.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import_nnanim_from(args.root)

    import numpy as np

    from nnanim.engine import config
    from nnanim.engine.mnist import load_mnist_subset, prepare
    from nnanim.engine.build import build_loss, build_model, build_optimizer, targets_for
    from nnanim.engine.recording import RecordPolicy
    from nnanim.engine.run import run
    from nnanim.engine.trace import TraceWriter
    from nnanim.engine.trainer import Trainer

    images, labels = load_mnist_subset()
    print(f"code: {args.root.resolve()}  threads={args.threads}  "
          f"steps={args.steps}x{args.repeats} (median)")
    print(f"{'':<12}{'wall':>32}{'':>13}{'cpu (all threads)':>31}")
    print(f"{'config':<12}{'plain':>10}{'recorded':>11}{'rec/plain':>11}{'MB/rec step':>13}"
          f"{'plain':>12}{'recorded':>11}{'rec/plain':>11}")
    for name in ("mnist_mlp", "mnist_cnn"):
        cfg = config.load(args.root / "assets" / "configs" / f"{name}.toml")
        cfg["record"]["every"] = 1
        x, _ = prepare(images, labels, layout=cfg["data"].get("layout", "flat"),
                       dtype=np.float32)
        y = targets_for(cfg, labels, np.float32)
        bs = cfg["training"]["batch_size"]
        policy = RecordPolicy.from_config(cfg.get("record", {}))

        def trainer():
            t = Trainer(build_model(cfg, np.random.default_rng(0), np.float32),
                        build_loss(cfg)[0], build_optimizer(cfg), rng=np.random.default_rng(0))
            if policy.watch:
                t.watch_inputs = x[policy.watch]
                t.watch_probabilities = True
            return t

        rng = np.random.default_rng(0)
        order = rng.permutation(len(x))
        n_b = len(x) // bs

        tr = trainer()

        def timed(recorded: bool):
            """(wall ms, cpu ms) per step and MB per step of ``args.steps`` steps; a fresh
            writer, its close() (the last chunk written) included."""
            tmp = Path(tempfile.mkdtemp())
            writer = None
            if recorded:
                writer = TraceWriter(tmp / "t", kind="network", config=cfg, seed=0,
                                     policy=policy)
                writer.set_layers(tr.model.describe_layers())
            t0, c0 = time.perf_counter(), time.process_time()
            for s in range(args.steps):
                idx = order[(s % n_b) * bs:(s % n_b + 1) * bs]
                rec = writer is not None and writer.wants(s)
                loss, _ = tr.train_step(x[idx], y[idx], s, writer, rec, idx)
                if writer is not None:
                    writer.end_step(s, loss=loss, lr=0.01, epoch=0, batch=s)
            if writer is not None:
                writer.close()
            t1, c1 = time.perf_counter(), time.process_time()
            size = sum(p.stat().st_size for p in (tmp / "t").iterdir()) if recorded else 0
            shutil.rmtree(tmp)
            n = args.steps
            return (t1 - t0) / n * 1e3, (c1 - c0) / n * 1e3, size / n / 1e6

        timed(False), timed(True)  # warm up
        runs = np.array([[*timed(False), *timed(True)] for _ in range(args.repeats)])
        p, pc, _, r, rc, mb = np.median(runs, axis=0)  # plain and recorded runs alternate
        print(f"{name:<12}{p:>8.2f}ms{r:>9.2f}ms{r / p:>10.2f}x{mb:>13.3f}"
              f"{pc:>10.2f}ms{rc:>9.2f}ms{rc / pc:>10.2f}x")

    if args.skip_epoch:
        return
    cfg = config.load(args.root / "assets" / "configs" / "mnist_cnn.toml")
    cfg["training"]["epochs"] = 1
    times = {"off": [], "every step": []}
    size = 0
    for _ in range(args.repeats):
        for label in times:
            c = {**cfg, "record": {**cfg["record"], "every": 1,
                                   "enabled": label != "off"}}
            tmp = Path(tempfile.mkdtemp())
            t0 = time.perf_counter()
            res = run(c, tmp / "t.trace")
            times[label].append(time.perf_counter() - t0)
            if label != "off":
                size = res.size_bytes
            shutil.rmtree(tmp)
    off, on = (float(np.median(v)) for v in times.values())
    print(f"mnist_cnn, 1 epoch ({res.steps} steps): recording off {off:.2f}s, every step "
          f"{on:.2f}s (+{100 * (on / off - 1):.0f}%, {1e3 * (on - off) / res.steps:.1f} ms per "
          f"recorded step), trace {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
