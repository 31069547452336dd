"""Recipe configs: a frozen dataclass of defaults, named presets, command-line flags.

Every recipe in `recipes/` defines `Config` (the paper's defaults) and
`PRESETS` (each overriding only some fields) and takes its `make_config`,
`parse_args` and `main` from `command_line`, so presets, flags and errors
behave the same in all of them. The training recipes' `Config` extends `RecipeConfig`, the
fields that say how a run runs rather than what it trains.
"""

import argparse
import dataclasses
import sys
import types
import typing


@dataclasses.dataclass(frozen=True)
class RecipeConfig:
    """How a training recipe runs, resumes and exports: the fields all of them share.

    A recipe's `Config` subclasses it, adds the paper's fields and sets its
    own `run_dir` and `export_dir` defaults (`runs/<recipe>`).

    Attributes:
        seed: int, seeds Keras, NumPy, Python and the data pipeline.
        distribution: one of `ganzoo.training.distribution.DISTRIBUTIONS`: `"default"`
            (one device), `"mirrored"` (local GPUs), `"multi_worker"` (hosts
            named by `TF_CONFIG`), `"tpu"`.
        dtype_policy: `"auto"` (mixed_bfloat16 where the hardware computes
            bfloat16, else float32: `ganzoo.training.precision.auto_dtype_policy`),
            `"float32"`, `"mixed_float16"` or `"mixed_bfloat16"`. The exports
            are float32 whichever is chosen.
        jit_compile: bool, XLA-compile the train step.
        backup_every_steps: int or None; the whole training state is backed
            up to `<run_dir>/backup` every this many steps (and every epoch),
            and re-running the command after a crash resumes from it.
        run_dir: str, where samples, curves, checkpoints and backups go.
        export_dir: str, where the export is written. The zoo's copy in
            `exported/` changes only by a deliberate commit: copy a finished
            run's export there, or pass `--export-dir exported/<name>`.
        overwrite: bool; re-running a recipe replaces its own previous export.
        fresh: bool; discard the run's backup and train from the start, even
            with other settings.
        force: bool; export even a generator whose samples look collapsed or
            diverged (`ganzoo.training.recipe_training.check_samples_before_export`).
    """

    seed: int = 0
    distribution: str = "default"
    dtype_policy: str = "auto"
    jit_compile: bool = False
    backup_every_steps: int | None = 100
    run_dir: str = "runs/recipe"
    export_dir: str = "runs/recipe/export"
    overwrite: bool = True
    fresh: bool = False
    force: bool = False


RUN_FIELDS = tuple(field.name for field in dataclasses.fields(RecipeConfig))
"""The names of `RecipeConfig`'s fields; `--help` lists them after a recipe's own."""


def make_config(config_class, presets, preset="default", **overrides):
    """Returns `config_class` with the preset's values, then `overrides`, applied.

    Args:
        config_class: a dataclass type with defaults for every field.
        presets: dict mapping preset name to a dict of field overrides.
        preset: str, a key of `presets`.
        **overrides: field values that win over the preset's.

    Raises:
        ValueError: for an unknown preset, or an unknown field in the preset
            or in `overrides` (a typo must not be silently ignored).
    """
    if preset not in presets:
        raise ValueError(f"Unknown preset {preset!r}. Expected one of {sorted(presets)}.")
    fields = {field.name for field in dataclasses.fields(config_class)}
    values = {**presets[preset], **overrides}
    unknown = sorted(set(values) - fields)
    if unknown:
        raise ValueError(f"Unknown config fields {unknown}. Known fields: {sorted(fields)}.")
    return config_class(**values)


def parse_config(config_class, presets, argv, description=None):
    """Parses `--preset NAME` and one `--field-name VALUE` flag per config field.

    Booleans get `--flag/--no-flag`; `int | None`-style fields parse as their
    non-None type. Flags not given keep the preset's value.

    Args:
        config_class: the recipe's dataclass.
        presets: the recipe's presets.
        argv: list of str, the arguments without the program name.
        description: the `--help` text.

    Returns:
        An instance of `config_class`.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--preset",
        default="default",
        choices=sorted(presets),
        help="a named set of defaults the flags below override (default: default)",
    )
    fields = dataclasses.fields(config_class)
    # The paper's fields first, then how the run runs.
    fields = [f for f in fields if f.name not in RUN_FIELDS] + [
        f for f in fields if f.name in RUN_FIELDS
    ]
    for field in fields:
        flag = "--" + field.name.replace("_", "-")
        kind = _value_type(field.type)
        # The value without --preset; a preset may set another.
        help_text = (
            "required"
            if field.default is dataclasses.MISSING
            else f"default: {field.default!r} (a preset may change it)"
        )
        if kind is bool:
            parser.add_argument(
                flag, action=argparse.BooleanOptionalAction, default=None, help=help_text
            )
        else:
            parser.add_argument(flag, type=kind, default=None, help=help_text)
    args = vars(parser.parse_args(argv))
    preset = args.pop("preset")
    overrides = {key: value for key, value in args.items() if value is not None}
    return make_config(config_class, presets, preset, **overrides)


def command_line(config_class, presets, train, doc):
    """A recipe's `make_config`, `parse_args` and `main`, the same in every recipe.

    At the end of a recipe:
    `make_config, parse_args, main = recipe_config.command_line(Config, PRESETS, train, __doc__)`.

    Args:
        config_class: the recipe's `Config` dataclass.
        presets: the recipe's `PRESETS`.
        train: the recipe's `train(config)`.
        doc: the recipe's module docstring; its first paragraph is the
            `--help` description.

    Returns:
        `(make_config, parse_args, main)`: `make_config(preset="default",
        **overrides)` as `make_config` above; `parse_args(argv)` as
        `parse_config`; `main(argv=None)` as `run_main`, returning what
        `train` returned.
    """
    description = doc.split("\n\n")[0] if doc else None

    def make_recipe_config(preset="default", **overrides):
        """Returns the preset's `Config` with `overrides` applied (unknown keys raise)."""
        return make_config(config_class, presets, preset, **overrides)

    def parse_args(argv):
        """The `Config` of command-line flags (`--preset NAME --field-name VALUE ...`)."""
        return parse_config(config_class, presets, argv, description=description)

    def main(argv=None):
        """Parses `argv` (default `sys.argv[1:]`), trains, returns `train`'s result."""
        return run_main(parse_args, train, argv)

    return make_recipe_config, parse_args, main


def run_main(parse_args, train, argv=None):
    """What `python recipes/<name>.py [flags]` runs: parse the flags, then train.

    Without the data on this machine (`ganzoo.data.DataUnavailableError`)
    the program ends with the error's message, which says how to provide
    it, and no traceback.

    Args:
        parse_args: the recipe's `parse_args(argv) -> Config`.
        train: the recipe's `train(config)`.
        argv: list of str without the program name; `sys.argv[1:]` if None.

    Returns:
        What `train` returned.
    """
    from ganzoo.data.data_unavailable_error import DataUnavailableError

    config = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return train(config)
    except DataUnavailableError as error:
        raise SystemExit(f"error: {error}") from None


def _value_type(annotation):
    """`int` for `int` and `int | None`; likewise for str, float and bool."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        candidates = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(candidates) == 1:
            return candidates[0]
        raise TypeError(f"Unsupported config field type {annotation!r}.")
    return annotation
