"""`ExportSettings`: the arguments every exporter takes, checked before any conversion."""

import dataclasses
import pathlib

from ganzoo.export.export_format import ExportFormat
from ganzoo.export.export_format import check_formats
from ganzoo.export.export_steps import check_dataset
from ganzoo.export.export_steps import check_extra_files
from ganzoo.export.export_steps import check_parity_batch_sizes
from ganzoo.export.export_steps import check_seed
from ganzoo.export.export_steps import check_tolerance
from ganzoo.export.export_steps import check_training_config
from ganzoo.export.export_steps import export_directory

DEFAULT_FORMATS = ("saved_model", "onnx")
"""The formats of an export unless `formats=` says otherwise."""


@dataclasses.dataclass(frozen=True)
class ExportSettings:
    """Where an export goes, which formats it writes and how parity is checked.

    Build it with `ExportSettings.check(...)`, which validates every argument
    and refuses to clobber an existing export before a slow conversion
    starts.

    Attributes:
        directory: absolute `pathlib.Path` of the export directory.
        formats: list of `ExportFormat`, in the order they are written.
        batch_sizes: list of int, the parity batch sizes.
        tolerance: float, the largest absolute difference allowed.
        seed: int or None, the seed of the parity inputs.
        dataset: str or None, for the manifest.
        training_config: dict or None of JSON values, for the manifest.
        extra_files: dict from file name to source `pathlib.Path`, copied in.
    """

    directory: pathlib.Path
    formats: list[ExportFormat]
    batch_sizes: list[int]
    tolerance: float
    seed: int | None
    dataset: str | None
    training_config: dict | None
    extra_files: dict

    @classmethod
    def check(
        cls,
        directory,
        *,
        overwrite,
        formats,
        parity_batch_sizes,
        tolerance,
        seed,
        dataset,
        training_config,
        extra_files,
    ):
        """Validates the exporters' shared arguments (see `export_generator`).

        Raises:
            TypeError: if an argument has the wrong type.
            ValueError: if an argument is out of range or a format is unknown.
            FileExistsError: if `directory` exists and `overwrite` is False, or
                it exists and is not a directory.
            FileNotFoundError: if a source in `extra_files` does not exist.
        """
        formats = check_formats(formats)
        batch_sizes = check_parity_batch_sizes(parity_batch_sizes)
        tolerance = check_tolerance(tolerance)
        extra_files = check_extra_files(extra_files)
        check_seed(seed)
        check_dataset(dataset)
        check_training_config(training_config)
        return cls(
            directory=export_directory(directory, overwrite),
            formats=formats,
            batch_sizes=batch_sizes,
            tolerance=tolerance,
            seed=seed,
            dataset=dataset,
            training_config=training_config,
            extra_files=extra_files,
        )
