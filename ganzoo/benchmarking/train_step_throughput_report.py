"""`format_train_step_throughput_report`: the Markdown of `benchmarks/train_step_throughput.py`.

Its inputs are the script's JSONL records (one result per model, then the
memory rows), the machine, the command, the run's wall time and the other
jobs that shared the CPU. Pure string formatting.
"""

from ganzoo.benchmarking.reports import markdown_table

MODEL_TITLES = {
    "gan": "GAN (DCGAN, Fashion-MNIST 28x28)",
    "conditional_gan": "ConditionalGAN (Fashion-MNIST 28x28)",
    "semi_supervised_gan": "SemiSupervisedGAN (Fashion-MNIST 28x28)",
    "cycle_gan": "CycleGAN (`cpu` preset, 32x32)",
}

READING_NOTE = (
    "Reading the ratios: the reference loops are the keras-io examples' shape. Their "
    "GAN and ConditionalGAN run the discriminator once on real and generated images "
    "concatenated (one batch of 2m), where ganzoo runs it on each half: with batch "
    "normalization in the discriminator the two are different math, and the "
    "concatenated pass lets the discriminator separate real from fake through the "
    "batch statistics (the reference's final d_loss and g_loss both near 0 show it: "
    "the generator's batch, normalized on its own, scores as real). ganzoo pays one "
    "more, smaller convolution call per layer for the paper's behaviour. XLA on this "
    "CPU compiles convolutions to Eigen instead of oneDNN, so it is slower for the "
    "DCGAN-family networks and faster for CycleGAN's small-image ResNet, whose step "
    "is dominated by many small ops that XLA fuses."
)


def format_train_step_throughput_report(
    results, memory_rows, facts, command, minutes=None, other_jobs=()
):
    """The Markdown report: machine, command, notes, one table per model, the memory table.

    Args:
        results: list of the dicts the script's `measure_model` returns, one
            per model (`model`, `config`, `rounds`, `block_steps`,
            `warmup_steps`, `data`, `peak_rss_mib`, `load_average`, `rows`).
        memory_rows: list of the dicts of its `measure_cycle_gan_memory`;
            empty for no memory table.
        facts: `ganzoo.benchmarking.machine.machine_facts()`.
        command: str, the command that ran the benchmark.
        minutes: float or None, the wall time of the whole run; None leaves
            out the notes (wall time, `READING_NOTE`, other jobs).
        other_jobs: sequence of str, command lines of the other Python jobs
            seen during the run (`other_python_processes`); the first six
            are named.

    Returns:
        str, the Markdown without a final newline.

    Raises:
        KeyError: for a model not in `MODEL_TITLES`, or a result or row
            without one of those keys.
    """
    lines = [
        "# Train-step throughput: ganzoo vs. a plain keras-io loop",
        "",
        f"Machine: {facts['cpu']}, {facts['cpu_count']} logical CPUs, {facts['memory']}; "
        f"Python {facts['python']}, TensorFlow {facts['versions']['tensorflow']}, "
        f"Keras {facts['versions']['keras']}, "
        "no GPU.",
        "",
        "Command:",
        "",
        "```bash",
        command,
        "```",
        "",
    ]
    if minutes is not None:
        lines += [f"Wall time of the whole run: {minutes:.1f} min.", "", READING_NOTE, ""]
    if minutes is not None and other_jobs:
        lines += [
            "Other Python jobs were running on the same 2 cores during the run (the "
            "interleaved rounds expose every setting to them alike; absolute ms/step are "
            "slower than on an idle machine): " + "; ".join(f"`{job}`" for job in other_jobs[:6]),
            "",
        ]
    for result in results:
        lines += _model_section(result)
    if memory_rows:
        lines += _memory_section(memory_rows)
    return "\n".join(lines)


def _model_section(result):
    model, config = result["model"], result["config"]
    lines = [
        f"## {MODEL_TITLES[model]}",
        "",
        f"Batch: {_batch_description(model, config)}; "
        f"{result['rounds']} rounds of {result['block_steps']} timed steps per setting "
        f"after {result['warmup_steps']} warm-up steps; {result['data']} data. "
        f"Peak RSS of the process holding all its settings: "
        f"{result['peak_rss_mib']:.0f} MiB. Load average at the end: "
        f"{result['load_average'][0]:.2f}.",
        "",
    ]
    unit = "image pairs" if model == "cycle_gan" else "images"
    columns = ["setting", "ms/step", f"{unit}/s", "ratio vs. reference (min-max over rounds)"]
    columns += ["warm-up s", "final d_loss", "final g_loss"]
    cells = []
    for row in result["rows"]:
        ratio = (
            f"{row['ratio_vs_reference']:.2f} ({row['ratio_min']:.2f}-{row['ratio_max']:.2f})"
            if "ratio_vs_reference" in row
            else "-"
        )
        cells.append(
            [
                row["setting"],
                f"{row['ms_per_step']:.1f}",
                f"{row['images_per_second']:.0f}",
                ratio,
                f"{row['warmup_seconds']:.1f}",
                f"{row['logs'].get('d_loss', float('nan')):.3f}",
                f"{row['logs'].get('g_loss', float('nan')):.3f}",
            ]
        )
    return lines + markdown_table(columns, cells) + [""]


def _memory_section(rows):
    first = rows[0]
    lines = [
        "## Peak memory of a CycleGAN step at 256x256",
        "",
        f"The paper's networks (ResNet generators with {first['num_residual_blocks']} "
        f"blocks and {first['generator_filters']} filters, PatchGAN with "
        f"{first['discriminator_layers']} layers, i.e. 70x70), batch "
        f"{first['batch_size']}, a 50-image pool, random images; each row in its own "
        f"process, `ru_maxrss` after one warm-up step and {first['steps']} timed steps. "
        "Baseline: RSS after the imports, before building anything.",
        "",
    ]
    columns = ["setting", "ms/step", "image pairs/s", "baseline RSS (MiB)", "peak RSS (MiB)"]
    cells = [
        [
            row["setting"],
            f"{row['ms_per_step']:.0f}",
            f"{1000.0 * row['batch_size'] / row['ms_per_step']:.3f}",
            f"{row['baseline_rss_mib']:.0f}",
            f"{row['peak_rss_mib']:.0f}",
            f"{row['logs'].get('d_loss', float('nan')):.3f}",
        ]
        for row in rows
    ]
    return lines + markdown_table([*columns, "d_loss"], cells) + [""]


def _batch_description(model_name, config):
    if model_name == "semi_supervised_gan":
        return (
            f"{config['batch_size']} unlabelled + {config['labelled_batch_size']} labelled "
            "images (both counted in images/s)"
        )
    if model_name == "cycle_gan":
        return (
            f"{config['batch_size']} (x, y) pair of {config['image_size']}x"
            f"{config['image_size']} images"
        )
    return f"{config['batch_size']} images"
