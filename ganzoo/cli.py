"""The `ganzoo` command: browse the zoo, sample, interpolate, translate, train, evaluate.

    ganzoo list                                         # the shipped models
    ganzoo info dcgan_fashion_mnist                     # one manifest, readable
    ganzoo sample dcgan_fashion_mnist -n 64 --out samples.png
    ganzoo sample cgan_fashion_mnist --labels sneaker "ankle boot" -n 16 --out shoes/
    ganzoo interpolate dcgan_fashion_mnist --steps 10 --out walk.gif
    ganzoo translate cyclegan_sneaker2boot/g_x_to_y shoe.png --out boots/
    ganzoo train dcgan_fashion_mnist --preset zoo       # any recipe, its own flags
    ganzoo export runs/dcgan_fashion_mnist              # a finished run, from its backup
    ganzoo evaluate dcgan_fashion_mnist                 # FID, KID, precision/recall
    ganzoo evaluate runs/dcgan_fashion_mnist/export --features inception

A model is named by its zoo name (`ganzoo list`; the zoo is `exported/` of
the checkout, or `$GANZOO_ZOO_DIR`, or `--zoo DIR`) or by the path of any
export directory. Everything runs on onnxruntime, without TensorFlow, except
`train` and `evaluate --features inception`.

`evaluate` draws samples and compares them with the real test images through
the features of the domain classifier shipped for the generator's dataset
(`classifiers/<dataset>/` beside the export, else in the zoo): FID and KID on
those features ("domain features": never compare them with InceptionV3
numbers), precision and recall (k = 3), and the Inception-Score formula on
the classifier's probabilities. It prints a table; with `--write` it also
stores it in the manifest's `metrics` section with the extractor, sample
counts and seed, and refuses to replace numbers measured on more samples.
With `--features inception` the same comparisons run on the 2015 FID
Inception network (`ganzoo.evaluation.evaluate_inception`), whose numbers are
comparable with papers'.

Arguments are checked before any model or framework loads. Errors are one
`ganzoo <command>: error: ...` line on stderr: exit status 2 for bad usage, 1
for a failure while running; `--debug` shows the traceback instead. Only the
standard library is imported until a command runs, so `--help` is instant.
"""

import argparse
import json
import pathlib
import sys

# Images written into a single grid; more go to a directory (`--out DIR/`).
MAX_GRID_IMAGES = 1024
# Rows generated at once when writing image files.
_CHUNK = 500


class UsageError(Exception):
    """Bad arguments found after parsing (exit status 2)."""


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps description layout and appends each option's default to its help."""

    def _get_help_string(self, action):
        text = action.help or ""
        if (
            "%(default)" in text
            or not action.option_strings
            or any(action.default is value for value in (None, False, argparse.SUPPRESS))
        ):
            return text
        return f"{text} (default: %(default)s)"


class _Parser(argparse.ArgumentParser):
    """An `ArgumentParser` whose errors are one line and exit status 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _at_least(minimum):
    """An argparse type: an int >= `minimum`, with a one-line error otherwise."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, received {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, received {value}")
        return value

    parse.__name__ = f"int >= {minimum}"  # argparse names the type in some errors
    return parse


_non_negative_int, _positive_int, _two_or_more = _at_least(0), _at_least(1), _at_least(2)


# --- list and info ---------------------------------------------------------------

_TASK_NAMES = {
    "unconditional_image_generation": "generator",
    "conditional_image_generation": "conditional generator",
    "image_to_image_translation": "translator",
    "image_classification": "classifier",
}


def _format_number(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _format_metrics(metrics):
    return ", ".join(f"{key} {_format_number(value)}" for key, value in metrics.items())


def _run_list(args):
    from ganzoo import zoo

    entries = zoo.list(args.zoo)
    if args.json:
        rows = [
            {
                "name": entry.name,
                "task": entry.task,
                "dataset": entry.dataset,
                "size_bytes": entry.size_bytes,
                "metrics": entry.headline_metrics,
                "directory": str(entry.directory),
            }
            for entry in entries
        ]
        print(json.dumps(rows, indent=2))
        return
    zoo_dir = args.zoo or zoo.default_zoo_dir()
    if not entries:
        print(f"No exports in {zoo_dir}.")
        return
    rows = [("name", "task", "dataset", "size", "metrics")]
    for entry in entries:
        rows.append(
            (
                entry.name,
                _TASK_NAMES.get(entry.task, entry.task),
                entry.dataset or "-",
                f"{entry.size_bytes / 1e6:.1f} MB",
                _format_metrics(entry.headline_metrics) or "-",
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    print(f"{len(entries)} models in {zoo_dir}:")
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        print("  ".join(cells) + "  " + row[4])


def _print_section(title, value, indent=0):
    """Prints a manifest value as an indented outline."""
    pad = "  " * indent
    if isinstance(value, dict):
        if title is not None:
            print(f"{pad}{title}:")
            indent += 1
        for key, item in value.items():
            _print_section(key, item, indent)
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        print(f"{pad}{title}:")
        for item in value:
            print(f"{pad}  - " + ", ".join(f"{k} {v}" for k, v in item.items()))
    elif isinstance(value, list):
        print(f"{pad}{title}: {', '.join(_format_number(item) for item in value) or '-'}")
    else:
        print(f"{pad}{title}: {_format_number(value)}")


def _run_info(args):
    entry = _find(args)
    if args.json:
        print(json.dumps(entry.manifest, indent=2))
        return
    manifest = dict(entry.manifest)
    print(f"{entry.name}: {_TASK_NAMES.get(entry.task, entry.task)} ({entry.task})")
    print(f"directory: {entry.directory} ({entry.size_bytes / 1e6:.1f} MB)")
    headline = entry.headline_metrics
    if headline:
        print(f"headline: {_format_metrics(headline)}")
    order = [key for key in manifest if key not in ("training_config", "metrics", "versions")]
    for key in order + ["metrics", "training_config", "versions"]:
        if key in manifest and key not in ("task", "name", "format_version"):
            _print_section(key, manifest[key])


# --- sample and interpolate ----------------------------------------------------------


def _find(args):
    """The zoo entry of `args.model`; an unknown name is a usage error."""
    from ganzoo import zoo

    try:
        return zoo.find(args.model, args.zoo)
    except (FileNotFoundError, ValueError) as error:
        raise UsageError(str(error)) from error


def _entry_for_generation(args):
    """The zoo entry of `args.model`, checked to be a generator (reads JSON only)."""
    from ganzoo.export.manifest import CONDITIONAL_TASK
    from ganzoo.export.manifest import UNCONDITIONAL_TASK

    entry = _find(args)
    if entry.task not in (UNCONDITIONAL_TASK, CONDITIONAL_TASK):
        raise UsageError(
            f"'{entry.name}' is a {_TASK_NAMES.get(entry.task, entry.task)}, not a generator; "
            f"`ganzoo {args.command}` needs one (see `ganzoo list`)."
        )
    return entry


def _parse_labels(entry, labels):
    """`--labels` (indices or class names) as a list of ints, or None."""
    from ganzoo.export.manifest import CONDITIONAL_TASK

    conditional = entry.task == CONDITIONAL_TASK
    if not conditional:
        if labels:
            raise UsageError(f"'{entry.name}' is unconditional: it takes no --labels.")
        return None
    class_names = list(entry.manifest.get("class_names") or [])
    num_classes = entry.manifest["num_classes"]
    if not labels:
        return list(range(num_classes))
    by_name = {name.lower(): index for index, name in enumerate(class_names)}
    parsed = []
    for label in labels:
        if label.lstrip("-").isdigit():
            index = int(label)
        elif label.lower() in by_name:
            index = by_name[label.lower()]
        else:
            raise UsageError(
                f"unknown label {label!r} for '{entry.name}'. Labels: 0-{num_classes - 1}"
                + (f" or {', '.join(class_names)}" if class_names else "")
                + "."
            )
        if not 0 <= index < num_classes:
            raise UsageError(f"label {index} is outside [0, {num_classes}) for '{entry.name}'.")
        parsed.append(index)
    return parsed


def _output_kind(out, allowed):
    """`"dir"` for `DIR/` or an existing directory, else the lower-case suffix."""
    path = pathlib.Path(out)
    if out.endswith(("/", "\\")) or path.is_dir():
        kind = "dir"
    else:
        kind = path.suffix.lower()
    if kind not in allowed:
        names = " or ".join("DIR/" if item == "dir" else f"FILE{item}" for item in allowed)
        raise UsageError(f"--out must be {names}. Received: {out!r}.")
    if kind != "dir" and not path.parent.exists():
        raise UsageError(f"--out {out!r}: directory '{path.parent}' does not exist.")
    return kind


def _generate(runtime, z, labels):
    """Generated images for latents `z` (and labels), `_CHUNK` rows at a time."""
    for start in range(0, len(z), _CHUNK):
        rows = slice(start, start + _CHUNK)
        if labels is None:
            yield runtime.generate(z[rows])
        else:
            yield runtime.generate(z[rows], labels[rows])


def _run_sample(args):
    import numpy as np

    from ganzoo import zoo
    from ganzoo.images import image_grid
    from ganzoo.images import save_png
    from ganzoo.latents import sample_latents

    kind = _output_kind(args.out, ("dir", ".png"))
    if kind == ".png" and args.num_samples > MAX_GRID_IMAGES:
        raise UsageError(
            f"{args.num_samples} images do not fit one grid (at most {MAX_GRID_IMAGES}); "
            "write them to a directory: --out DIR/."
        )
    entry = _entry_for_generation(args)
    label_cycle = _parse_labels(entry, args.labels)
    runtime = zoo.load(entry.directory)
    labels = None
    if label_cycle is not None:
        labels = np.resize(np.asarray(label_cycle, dtype=np.int32), args.num_samples)
    z = sample_latents(args.num_samples, runtime.latent_dim, seed=args.seed)
    if kind == "dir":
        directory = pathlib.Path(args.out)
        directory.mkdir(parents=True, exist_ok=True)
        index = 0
        for images in _generate(runtime, z, labels):
            for image in runtime.to_uint8(images):
                suffix = "" if labels is None else f"_label{labels[index]}"
                save_png(image, directory / f"sample_{index:05d}{suffix}.png", scale=args.scale)
                index += 1
        print(f"Wrote {index} samples of {entry.name} (seed {args.seed}) to {directory}/.")
        return
    images = np.concatenate(list(_generate(runtime, z, labels)))
    columns = args.columns
    if columns is None and label_cycle is not None and len(label_cycle) <= 16:
        columns = len(label_cycle)  # one label per column
    grid = image_grid(images, num_columns=columns)
    save_png(grid, args.out, scale=args.scale)
    height, width = grid.shape[0] * args.scale, grid.shape[1] * args.scale
    print(
        f"Wrote {args.num_samples} samples of {entry.name} (seed {args.seed}) to "
        f"{args.out} ({width}x{height} px)."
    )


def _run_interpolate(args):
    import numpy as np

    from ganzoo import zoo
    from ganzoo.files import atomic_output
    from ganzoo.images import image_grid
    from ganzoo.images import save_png
    from ganzoo.latents import interpolate_latents
    from ganzoo.latents import sample_latents

    kind = _output_kind(args.out, (".png", ".gif"))
    entry = _entry_for_generation(args)
    label_cycle = _parse_labels(entry, args.labels)
    runtime = zoo.load(entry.directory)
    ends = sample_latents(2 * args.rows, runtime.latent_dim, seed=args.seed)
    # Row r walks from ends[2r] to ends[2r + 1]; rows are stacked step-major
    # below so that frame k of a GIF is rows[:, k].
    paths = np.stack(
        [
            interpolate_latents(ends[2 * row], ends[2 * row + 1], args.steps, args.spherical)
            for row in range(args.rows)
        ]
    )  # (rows, steps, latent_dim)
    labels = None
    if label_cycle is not None:
        row_labels = np.resize(np.asarray(label_cycle, dtype=np.int32), args.rows)
        labels = np.repeat(row_labels, args.steps)
    z = paths.reshape(-1, runtime.latent_dim)
    images = np.concatenate(list(_generate(runtime, z, labels)))
    images = images.reshape((args.rows, args.steps) + images.shape[1:])
    if kind == ".png":
        grid = image_grid(images.reshape((-1,) + images.shape[2:]), num_columns=args.steps)
        save_png(grid, args.out, scale=args.scale)
        print(
            f"Wrote {args.rows} latent walks of {args.steps} steps of {entry.name} "
            f"(seed {args.seed}) to {args.out}."
        )
        return
    from PIL import Image

    frames = []
    for step in range(args.steps):
        frame = image_grid(images[:, step], num_columns=min(args.rows, 8))
        frame = frame[..., 0] if frame.shape[-1] == 1 else frame
        frame = Image.fromarray(frame)
        if args.scale > 1:
            frame = frame.resize(
                (frame.width * args.scale, frame.height * args.scale), Image.Resampling.NEAREST
            )
        frames.append(frame)
    with atomic_output(args.out) as temp_path:
        frames[0].save(
            temp_path,
            format="GIF",
            save_all=True,
            append_images=frames[1:],
            duration=args.duration,
            loop=0,
        )
    print(
        f"Wrote a {args.steps}-frame animation of {args.rows} latent walks of {entry.name} "
        f"(seed {args.seed}) to {args.out}."
    )


# --- translate -------------------------------------------------------------------


def _run_translate(args):
    import numpy as np
    from PIL import Image

    from ganzoo import zoo
    from ganzoo.export.manifest import TRANSLATION_TASK
    from ganzoo.images import save_png

    out = pathlib.Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out must be a directory. '{out}' is a file.")
    paths = [pathlib.Path(image) for image in args.images]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise UsageError(f"no such image file: {', '.join(missing)}.")
    stems = [path.stem for path in paths]
    repeated = sorted({stem for stem in stems if stems.count(stem) > 1})
    if repeated:
        raise UsageError(
            f"two inputs would both be written as {', '.join(f'{s}.png' for s in repeated)}; "
            "rename one or translate them in separate runs."
        )
    entry = _find(args)
    if entry.task != TRANSLATION_TASK:
        raise UsageError(
            f"'{entry.name}' is a {_TASK_NAMES.get(entry.task, entry.task)}, not a translator "
            "(see `ganzoo list`)."
        )
    height, width, channels = entry.manifest["image_shape"]
    multiple = entry.manifest.get("size_multiple", 1)
    min_size = entry.manifest.get("min_size", multiple)
    size = None if args.resize == 0 else (args.resize or height, args.resize or width)
    if size is not None and (size[0] % multiple or size[1] % multiple or min(size) < min_size):
        raise UsageError(
            f"--resize must be a multiple of {multiple} and at least {min_size}. "
            f"Received: {args.resize}."
        )
    # Read every image before loading the model: a bad file fails in seconds.
    arrays = []
    for path in paths:
        try:
            with Image.open(path) as image:
                image = image.convert("RGB" if channels == 3 else "L")
                if size is not None and image.size != (size[1], size[0]):
                    image = image.resize((size[1], size[0]), Image.Resampling.BICUBIC)
                pixels = np.asarray(image)
        except OSError as error:
            raise ValueError(f"cannot read '{path}' as an image: {error}") from None
        if pixels.ndim == 2:
            pixels = pixels[..., None]
        rows, columns = pixels.shape[:2]
        if rows % multiple or columns % multiple or min(rows, columns) < min_size:
            raise UsageError(
                f"'{path}' is {pixels.shape[1]}x{pixels.shape[0]}; the network needs sides "
                f"that are multiples of {multiple} and at least {min_size}. Drop --resize 0, "
                "or pass --resize N."
            )
        arrays.append(pixels)
    translator = zoo.load(entry.directory)
    out.mkdir(parents=True, exist_ok=True)
    for path, pixels in zip(paths, arrays, strict=True):
        images = pixels[None].astype(np.float32) / 127.5 - 1.0
        # Scaled from pixels here, so an image with no dark pixel is no mistake.
        translated = translator.translate(images, assume_scaled=True)
        save_png(translator.to_uint8(translated)[0], out / f"{path.stem}.png")
    print(
        f"Translated {len(paths)} image{'s' if len(paths) > 1 else ''} "
        f"{translator.source_domain} -> {translator.target_domain} into {out}/"
        + ("" if size is None else f" at {size[1]}x{size[0]}")
        + "."
    )


# --- train and evaluate -------------------------------------------------------------


def _run_train(args):
    from ganzoo.training.recipe_files import load_recipe
    from ganzoo.training.recipe_files import recipe_path
    from ganzoo.training.recipe_files import recipe_summaries

    if args.recipe is None:
        raise UsageError(
            "name a recipe: " + ", ".join(recipe_summaries()) + " (see ganzoo train --help)"
        )
    try:
        recipe_path(args.recipe)  # a clear error before TensorFlow is imported
    except FileNotFoundError as error:
        raise UsageError(str(error)) from error
    recipe = load_recipe(args.recipe)
    # The recipe's argparse names itself after argv[0]: `ganzoo train NAME`
    # in its usage and errors, not `ganzoo`.
    program, sys.argv[0] = sys.argv[0], f"ganzoo train {args.recipe}"
    try:
        result = recipe.main(args.recipe_args)
    finally:
        sys.argv[0] = program
    return result if isinstance(result, int) else 0


def _run_export(args):
    import dataclasses

    from ganzoo.training.recipe_files import RUN_CONFIG_FILE_NAME
    from ganzoo.training.recipe_files import load_recipe
    from ganzoo.training.recipe_files import recipe_path

    run_dir = pathlib.Path(args.run_dir)
    record_path = run_dir / RUN_CONFIG_FILE_NAME
    if not record_path.is_file():
        raise UsageError(
            f"'{run_dir}' has no {RUN_CONFIG_FILE_NAME}: not the run directory of a ganzoo "
            "recipe (runs/<name>/), or one trained before runs recorded their settings."
        )
    record = json.loads(record_path.read_text(encoding="utf-8"))
    recipe_name, settings = record["recipe"], record["config"]
    if not (run_dir / "backup").is_dir():
        raise UsageError(
            f"'{run_dir}' has no backup/: its run was exported (to "
            f"{settings.get('export_dir')}) and the backup discarded, or it never trained."
        )
    try:
        recipe_path(recipe_name)
    except FileNotFoundError as error:
        raise UsageError(str(error)) from error
    from ganzoo.callbacks.training_checkpoint import TrainingCheckpoint

    resume = TrainingCheckpoint(run_dir / "backup").resume_point()
    if resume.epoch < settings["epochs"]:
        raise UsageError(
            f"the run in '{run_dir}' stopped at step {resume.step} of epoch {resume.epoch + 1} "
            f"of {settings['epochs']}; run its training command again (ganzoo train "
            f"{recipe_name} with the same flags) to finish it and export."
        )
    recipe = load_recipe(recipe_name)
    config = recipe.Config(**settings)
    overrides = {
        "run_dir": str(run_dir),
        "export_dir": args.export_dir or str(run_dir / "export"),
        "overwrite": args.overwrite,
    }
    field_names = {field.name for field in dataclasses.fields(config)}
    # `fresh` would delete the very backup being exported.
    for name, value in (("export", True), ("force", args.force), ("fresh", False)):
        if name in field_names:
            overrides[name] = value
    recipe.train(dataclasses.replace(config, **overrides))


def _run_evaluate(args):
    from ganzoo.evaluation import evaluate
    from ganzoo.evaluation import evaluate_inception
    from ganzoo.evaluation import format_table

    if args.features == "domain" and (args.inception_weights or args.resize != "clean"):
        raise UsageError("--inception-weights and --resize go with --features inception.")
    if args.features == "inception" and args.classifier:
        raise UsageError("--classifier goes with --features domain.")
    if args.features == "inception" and args.backend != "onnxruntime":
        raise UsageError("--backend goes with --features domain.")
    entry = _entry_for_generation(args)
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    common = {
        "num_samples": args.num_samples,
        "seed": args.seed,
        "write": args.write,
        "progress": progress,
    }
    if args.features == "inception":
        result = evaluate_inception(
            entry.directory, weights=args.inception_weights, resize=args.resize, **common
        )
    else:
        result = evaluate(
            entry.directory, classifier_dir=args.classifier, backend=args.backend, **common
        )
    print(format_table(result))


# --- the parser --------------------------------------------------------------------


def build_parser():
    """The `ganzoo` argument parser (standard library only)."""
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the traceback of an error instead of one line",
    )
    zoo_option = argparse.ArgumentParser(add_help=False)
    zoo_option.add_argument(
        "--zoo",
        default=None,
        help="directory of exports to look names up in (default: the checkout's exported/, "
        "or $GANZOO_ZOO_DIR)",
    )
    parser = _Parser(
        prog="ganzoo",
        description=__doc__.split("\n\n")[0] + "\n\n" + __doc__.split("\n\n")[1],
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an error instead of one line"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name, summary, description=None, parents=(zoo_option,)):
        sub = commands.add_parser(
            name,
            help=summary,
            description=description or summary,
            parents=[debug, *parents],
        )
        sub.set_defaults(run=globals()[f"_run_{name}"])
        return sub

    sub = command("list", "List the zoo's models with task, dataset, size and headline metrics.")
    sub.add_argument("--json", action="store_true", help="print JSON instead of a table")

    sub = command("info", "Show a model's manifest: inputs, outputs, metrics, training.")
    sub.add_argument("model", help="zoo name (see ganzoo list) or export directory")
    sub.add_argument("--json", action="store_true", help="print the manifest as JSON")

    sub = command(
        "sample",
        "Draw z ~ N(0, I) and write the generated images.",
        "Draw z ~ N(0, I) and write the generated images: one PNG grid, or one PNG per\n"
        "image into a directory. A seed gives the same images as OnnxGenerator.sample.",
    )
    sub.add_argument("model", help="generator: zoo name or export directory")
    sub.add_argument("-n", "--num-samples", type=_positive_int, default=64, help="number of images")
    sub.add_argument(
        "--out",
        default="samples.png",
        help=f"FILE.png for a grid (at most {MAX_GRID_IMAGES} images) or DIR/ for one PNG each",
    )
    sub.add_argument(
        "--labels",
        nargs="+",
        default=None,
        help="conditional models: class indices or names, repeated to fill -n "
        "(default: every class in turn)",
    )
    sub.add_argument("--seed", type=_non_negative_int, default=0, help="seed of the latents")
    sub.add_argument(
        "--columns",
        type=_positive_int,
        default=None,
        help="images per grid row (default: one per label, else a square)",
    )
    sub.add_argument("--scale", type=_positive_int, default=1, help="upscale each pixel by this")

    sub = command(
        "interpolate",
        "Walk the latent space between random z and write the images.",
        "Walk the latent space on straight lines (or great circles) between pairs of\n"
        "random z, as in Goodfellow et al. 2014, Fig. 3 and Radford et al. 2016, Sec. 6.1:\n"
        "a PNG with one walk per row, or a GIF whose frames are the steps.",
    )
    sub.add_argument("model", help="generator: zoo name or export directory")
    sub.add_argument(
        "--steps", type=_two_or_more, default=8, help="points per walk, both ends included"
    )
    sub.add_argument("--rows", type=_positive_int, default=4, help="number of walks")
    sub.add_argument(
        "--spherical", action="store_true", help="slerp (White 2016) instead of a straight line"
    )
    sub.add_argument(
        "--labels",
        nargs="+",
        default=None,
        help="conditional models: one class per walk, repeated (default: every class in turn)",
    )
    sub.add_argument("--seed", type=_non_negative_int, default=0, help="seed of the end points")
    sub.add_argument(
        "--out", default="interpolation.png", help="FILE.png (a grid) or FILE.gif (animation)"
    )
    sub.add_argument(
        "--duration", type=_positive_int, default=150, help="GIF: milliseconds per frame"
    )
    sub.add_argument("--scale", type=_positive_int, default=1, help="upscale each pixel by this")

    sub = command(
        "translate",
        "Translate image files with a CycleGAN direction.",
        "Translate image files with a CycleGAN direction (e.g.\n"
        "cyclegan_sneaker2boot/g_x_to_y); each IMAGE is written as DIR/<stem>.png.",
    )
    sub.add_argument("model", help="translator: zoo name or export directory")
    sub.add_argument("images", nargs="+", metavar="IMAGE", help="image files Pillow can read")
    sub.add_argument("--out", required=True, help="output directory (created)")
    sub.add_argument(
        "--resize",
        type=_non_negative_int,
        default=None,
        help="square side the images are resized to; 0 keeps each image's size "
        "(default: the model's training size)",
    )

    sub = command(
        "export",
        "Export a finished run from its backup, without training.",
        "Export a finished run from its backup (<RUN_DIR>/backup, kept until an export\n"
        "succeeds), with the settings it recorded in <RUN_DIR>/config.json: after a\n"
        "failed or refused export, or to export it elsewhere. Nothing is trained.",
        parents=(),
    )
    sub.add_argument("run_dir", help="the recipe's run directory, e.g. runs/dcgan_fashion_mnist")
    sub.add_argument(
        "--export-dir", default=None, help="where to export (default: <RUN_DIR>/export)"
    )
    sub.add_argument(
        "--overwrite",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="replace an existing export there",
    )
    sub.add_argument(
        "--force",
        action="store_true",
        help="export even a generator whose samples look collapsed or diverged",
    )

    summaries = _recipe_summaries()
    sub = command(
        "train",
        "Run a training recipe with its own flags.",
        "Run a training recipe (recipes/<name>.py) with its own flags; every flag after\n"
        "the recipe goes to it (ganzoo train RECIPE --help lists them).\n\nRecipes:\n"
        + "\n".join(f"  {name:28} {summary}" for name, summary in summaries.items()),
        parents=(),
    )
    sub.add_argument("recipe", nargs="?", help="recipe name or path")
    sub.add_argument(
        "recipe_args", nargs=argparse.REMAINDER, help="flags for the recipe, e.g. --preset zoo"
    )

    sub = command(
        "evaluate",
        "FID, KID, precision/recall of a generator against the real test images.",
        __doc__.split("\n\n")[3],
    )
    sub.add_argument("model", help="generator: zoo name or export directory")
    sub.add_argument(
        "--features",
        choices=("domain", "inception"),
        default="domain",
        help="domain: the dataset's classifier (fast, not comparable with papers); "
        "inception: the 2015 FID Inception network (the papers' FID)",
    )
    sub.add_argument(
        "--classifier",
        default=None,
        help="domain classifier export (default: classifiers/<dataset> beside the export, "
        "else in the zoo)",
    )
    sub.add_argument(
        "--inception-weights",
        default=None,
        help="converted FID Inception weights, --features inception "
        "(default: $GANZOO_FID_INCEPTION_WEIGHTS, then Keras' cache)",
    )
    sub.add_argument(
        "--resize",
        choices=("clean", "pytorch_fid"),
        default="clean",
        help="reference resize mode, --features inception",
    )
    sub.add_argument(
        "--num-samples", type=_two_or_more, default=10_000, help="generated images compared"
    )
    sub.add_argument("--seed", type=_non_negative_int, default=0, help="seed of latents and KID")
    sub.add_argument(
        "--backend",
        choices=("onnxruntime", "onnxruntime_int8", "litert"),
        default="onnxruntime",
        help="what runs the generator: model.onnx, its int8 copy or model.tflite "
        "(--features domain; --write stores another backend's scores as metrics_<backend>)",
    )
    sub.add_argument(
        "--write",
        action="store_true",
        help="store the result in the export's manifest.json (refused over more samples)",
    )
    sub.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )
    return parser


def _recipe_summaries():
    from ganzoo.training.recipe_files import recipe_summaries

    try:
        return recipe_summaries()
    except (OSError, SyntaxError):
        return {}


def main(argv=None):
    """Runs `ganzoo` with `argv` (default `sys.argv[1:]`); returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    prog = f"ganzoo {args.command}"
    try:
        status = args.run(args)
    except UsageError as error:
        if args.debug:
            raise
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - one line for the user; --debug has the rest.
        if args.debug:
            raise
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        print(
            f"{prog}: error: {message or type(error).__name__} (--debug for the traceback)",
            file=sys.stderr,
        )
        return 1
    return status or 0


if __name__ == "__main__":
    sys.exit(main())
