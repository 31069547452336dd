"""Images per second of `GAN.train_step` for the default DCGAN recipe, and peak memory.

    python benchmarks/train_step_throughput.py  # -> benchmarks/results/train_step_throughput.md

Each configuration runs in its own process (the mixed-precision policy is
global), on real Fashion-MNIST batches from `ganzoo.data`, with the recipe's
networks (DCGAN, base_filters 64, 5x5 kernels, batch 128, k = 1). The first
`--warmup` steps (tracing, oneDNN kernel selection) are excluded; the timed
steps are timed by a callback around `fit`, so the input pipeline counts.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

CONFIGS = [
    {"policy": "float32", "jit_compile": False},
    {"policy": "float32", "jit_compile": True},
    {"policy": "mixed_bfloat16", "jit_compile": False},
]


def measure(policy, jit_compile, steps, warmup, batch_size):
    import keras

    from ganzoo.data import load_image_dataset
    from ganzoo.models import GAN
    from ganzoo.networks import DCGANDiscriminator
    from ganzoo.networks import DCGANGenerator

    keras.mixed_precision.set_global_policy(policy)
    keras.utils.set_random_seed(0)
    dataset = load_image_dataset("fashion_mnist", batch_size=batch_size, seed=0).repeat()
    gan = GAN(DCGANGenerator(100, (28, 28, 1)), DCGANDiscriminator((28, 28, 1)), seed=0)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        jit_compile=jit_compile,
    )

    class StepTimer(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch + 1 == warmup:
                self.start = time.perf_counter()
            self.end = time.perf_counter()

    timer = StepTimer()
    history = gan.fit(
        dataset, epochs=1, steps_per_epoch=warmup + steps, callbacks=[timer], verbose=0
    )
    seconds = timer.end - timer.start
    return {
        "policy": policy,
        "jit_compile": jit_compile,
        "batch_size": batch_size,
        "timed_steps": steps,
        "ms_per_step": 1000 * seconds / steps,
        "images_per_second": batch_size * steps / seconds,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "d_loss": history.history["d_loss"][-1],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--output", default="benchmarks/results/train_step_throughput.md")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        config = json.loads(args.one)
        print(
            json.dumps(
                measure(**config, steps=args.steps, warmup=args.warmup, batch_size=args.batch_size)
            )
        )
        return
    rows = []
    for config in CONFIGS:
        command = [
            sys.executable,
            __file__,
            "--one",
            json.dumps(config),
            "--steps",
            str(args.steps),
            "--warmup",
            str(args.warmup),
            "--batch-size",
            str(args.batch_size),
        ]
        environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
        output = subprocess.run(
            command, capture_output=True, text=True, check=True, env=environment
        ).stdout
        rows.append(json.loads(output.strip().splitlines()[-1]))
        print(rows[-1], flush=True)
    lines = [
        "# GAN.train_step throughput, DCGAN on Fashion-MNIST 28x28",
        "",
        f"Machine: {os.cpu_count()} CPU cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}. Batch {args.batch_size}, k = 1, "
        f"{args.steps} timed steps after {args.warmup} warm-up steps, one process per row.",
        "",
        "| policy | jit_compile | ms/step | images/s | peak RSS (MiB) | d_loss |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['policy']} | {row['jit_compile']} | {row['ms_per_step']:.0f} | "
            f"{row['images_per_second']:.0f} | {row['peak_rss_mib']:.0f} | {row['d_loss']:.3f} |"
        )
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as file:
        file.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
