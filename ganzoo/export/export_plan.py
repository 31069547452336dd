"""`ExportPlan`: what a task exports, and the one orchestration that writes every export.

Each task (unconditional generator, conditional generator, image
translator, classifier) builds an `ExportPlan`: its float32 serving
network, input signature and output names, the parity inputs with the
network's in-memory outputs (already checked), its SavedModel input checks
and its manifest fields. `ExportPlan.write` then runs the same steps for
every task: stage in a hidden temporary directory, write each format, run
each on the parity inputs, refuse drift beyond the tolerance, copy the
extra files, write the manifest, and publish by rename.
"""

import dataclasses
from collections.abc import Callable

import keras

from ganzoo.export.export_steps import check_parity
from ganzoo.export.export_steps import copy_extra_files
from ganzoo.export.export_steps import staged_export
from ganzoo.export.manifest import MANIFEST_FILE_NAME
from ganzoo.export.manifest import build_manifest
from ganzoo.export.manifest import write_manifest
from ganzoo.export.onnx import DEFAULT_OPSET
from ganzoo.export.parity import measure_parity


@dataclasses.dataclass(frozen=True)
class ExportPlan:
    """One task's export of one network.

    Attributes:
        task: str, the manifest task (`ganzoo.export.manifest.*_TASK`).
        network: float32 `keras.Model` to serve (never a training wrapper).
        input_signature: list of named `tf.TensorSpec`, batch dimension None.
        output_names: list of str, one per network output.
        feeds: list of dicts from input name to NumPy array, the parity
            inputs.
        references: list of dicts from output name to the network's
            in-memory NumPy output for the feed of the same index.
        subject: str naming the network in messages (`"generator"`).
        parity_details: str describing the parity inputs, for messages.
        manifest_fields: dict of the task's manifest fields (`inputs`,
            `outputs`, `image_shape` and its own), passed to
            `ganzoo.export.manifest.build_manifest`.
        input_checks: optional callable of the input tensors returning
            assertion ops (`ganzoo.export.input_checks.for_task`); only the
            SavedModel can hold them.
        parity_image_sizes: optional list of `[height, width]` the parity
            inputs span, for networks that take any size.
    """

    task: str
    network: keras.Model
    input_signature: list
    output_names: list
    feeds: list
    references: list
    subject: str
    parity_details: str
    manifest_fields: dict
    input_checks: Callable | None = None
    parity_image_sizes: list | None = None

    def write(self, settings):
        """Writes, checks and publishes the export; returns its directory.

        Args:
            settings: `ganzoo.export.export_settings.ExportSettings`.

        Returns:
            `pathlib.Path`, the absolute path of the published export.

        Raises:
            ParityError: if an artifact differs from the in-memory network by
                more than `settings.tolerance`; nothing is written then.
        """
        with staged_export(settings.directory) as staging:
            artifacts = {
                export_format.name: export_format.write(
                    self.network,
                    staging / export_format.file_name,
                    self.input_signature,
                    self.output_names,
                    self.input_checks,
                )
                for export_format in settings.formats
            }
            max_abs_diff = measure_parity(self.feeds, self.references, artifacts)
            check_parity(
                max_abs_diff,
                settings.tolerance,
                subject=self.subject,
                details=self.parity_details,
            )
            copy_extra_files(settings.extra_files, staging)
            parity = {
                "batch_sizes": settings.batch_sizes,
                "seed": settings.seed,
                "tolerance": settings.tolerance,
                "max_abs_diff": max_abs_diff,
            }
            if self.parity_image_sizes is not None:
                parity["image_sizes"] = self.parity_image_sizes
            manifest = build_manifest(
                name=settings.directory.name,
                task=self.task,
                dataset=settings.dataset,
                training_config=settings.training_config,
                parity=parity,
                files={
                    **{fmt.name: fmt.file_name for fmt in settings.formats},
                    "extra": sorted(settings.extra_files),
                },
                onnx_opset=DEFAULT_OPSET,
                **self.manifest_fields,
            )
            write_manifest(manifest, staging / MANIFEST_FILE_NAME)
        return settings.directory
