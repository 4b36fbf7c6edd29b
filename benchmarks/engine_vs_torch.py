"""Time per training step: the nnanim engine against PyTorch CPU, in one run.

Same architecture, data (the bundled MNIST subset), batch 128, float32 and thread count:
  MLP  Dense(784->128)-ReLU-Dense(128->10)
  CNN  Conv(1->8, 3x3)-ReLU-MaxPool(2)-Flatten-Dense(1352->10)
Both use softmax cross-entropy and Adam. The engine is timed with tracing off and with the
recording policy of the bundled config (mnist_mlp / mnist_cnn; the models are built here,
since the bundled CNN config has a second conv block). The timed window records only the
policy's every-8th/32nd steps and ends before a chunk is written; benchmarks/recording_cost.py
measures recorded steps and chunk writes. Prints ms/step and the ratios; targets:
engine/torch <= 1.2 (MLP), <= 1.5 (CNN), recording overhead <= 15 %.

    .venv/bin/python benchmarks/engine_vs_torch.py [--steps 60] [--threads 2]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _set_threads(n: int) -> None:
    # must happen before numpy and torch load their BLAS
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=60, help="timed steps per measurement")
    ap.add_argument("--repeats", type=int, default=5, help="measurements; the median is kept")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    _set_threads(args.threads)

    import numpy as np
    import torch

    from nnanim.engine import config
    from nnanim.engine.assets import bundled_config
    from nnanim.engine.mnist import load_mnist_subset, prepare
    from nnanim.engine import Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential
    from nnanim.engine.recording import RecordPolicy
    from nnanim.engine.losses import SparseCategoricalCrossEntropy
    from nnanim.engine.optimizers import Adam
    from nnanim.engine.trace import TraceWriter
    from nnanim.engine.trainer import Trainer

    torch.set_num_threads(args.threads)
    images, labels = load_mnist_subset()
    rng = np.random.default_rng(0)
    bs = 128

    def batches(x, y):
        order = rng.permutation(len(x))
        while True:
            for i in range(0, len(x) - bs + 1, bs):
                idx = order[i:i + bs]
                yield x[idx], y[idx], idx

    def median_ms(fn, steps):
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            for _ in range(steps):
                fn()
            times.append((time.perf_counter() - t0) / steps * 1e3)
        return float(np.median(times))

    rows = []
    for name, cfg_name, layout in (("MLP 784-128-10", "mnist_mlp", "flat"),
                                   ("CNN conv8-pool-dense", "mnist_cnn", "nchw")):
        cfg = config.load(bundled_config(cfg_name))
        x, y = prepare(images, labels, layout=layout, dtype=np.float32)
        data = batches(x, y)

        def engine_trainer():
            rng = np.random.default_rng(0)
            if layout == "flat":
                layers = [Dense(784, 128, rng=rng, dtype=np.float32), ReLU(),
                          Dense(128, 10, rng=rng, dtype=np.float32)]
            else:
                layers = [Conv2D(1, 8, 3, rng=rng, dtype=np.float32), ReLU(), MaxPool2D(2),
                          Flatten(), Dense(1352, 10, rng=rng, dtype=np.float32)]
            return Trainer(Sequential(layers), SparseCategoricalCrossEntropy(), Adam(lr=1e-3))

        # tracing off
        tr = engine_trainer()
        step = [0]

        def engine_step():
            xb, yb, idx = next(data)
            tr.train_step(xb, yb, step[0])
            step[0] += 1

        for _ in range(5):
            engine_step()
        t_engine = median_ms(engine_step, args.steps)

        # the config's default recording policy, checkpoint writes included
        tr_rec = engine_trainer()
        policy = RecordPolicy.from_config(cfg.get("record", {}))
        with tempfile.TemporaryDirectory() as tmp:
            writer = TraceWriter(Path(tmp) / "t", kind="network", config=cfg, seed=0,
                                 policy=policy)
            writer.set_layers(tr_rec.model.describe_layers())
            rstep = [0]

            def recorded_step():
                xb, yb, idx = next(data)
                s = rstep[0]
                rec = writer.wants(s)
                loss, _ = tr_rec.train_step(xb, yb, s, writer, rec, idx)
                writer.end_step(s, loss=loss, lr=1e-3, epoch=0, batch=s)
                rstep[0] += 1

            for _ in range(5):
                recorded_step()
            t_rec = median_ms(recorded_step, args.steps)
            writer.close()
            size = sum(p.stat().st_size for p in (Path(tmp) / "t").iterdir())
            per_step_mb = size / rstep[0] / 1e6

        # torch, same model
        torch.manual_seed(0)
        if layout == "flat":
            net = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(),
                                      torch.nn.Linear(128, 10))
        else:
            net = torch.nn.Sequential(torch.nn.Conv2d(1, 8, 3), torch.nn.ReLU(),
                                      torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                                      torch.nn.Linear(1352, 10))
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        lossf = torch.nn.CrossEntropyLoss()

        def torch_step():
            xb, yb, _ = next(data)
            xt, yt = torch.from_numpy(xb), torch.from_numpy(yb)
            opt.zero_grad()
            loss = lossf(net(xt), yt)
            loss.backward()
            opt.step()

        for _ in range(5):
            torch_step()
        t_torch = median_ms(torch_step, args.steps)
        rows.append((name, t_engine, t_rec, t_torch, per_step_mb, policy))

    print(f"threads={args.threads}  batch={bs}  float32  steps={args.steps}x{args.repeats} "
          f"(median)  numpy {np.__version__}  torch {torch.__version__}")
    print(f"{'model':<22}{'engine':>10}{'recorded':>10}{'torch':>10}"
          f"{'engine/torch':>14}{'rec overhead':>14}{'MB/step':>9}")
    for name, te, tr_, tt, mb, pol in rows:
        print(f"{name:<22}{te:>8.2f}ms{tr_:>8.2f}ms{tt:>8.2f}ms{te / tt:>13.2f}x"
              f"{100 * (tr_ / te - 1):>13.1f}%{mb:>9.2f}")
    print("targets: engine/torch <= 1.2x (MLP), <= 1.5x (CNN); recording overhead <= 15%")
    for name, *_, pol in rows:
        print(f"  {name}: policy every={pol.every} samples={pol.samples} "
              f"compress={pol.compress}")


if __name__ == "__main__":
    main()
