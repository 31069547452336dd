"""Export a generator network: SavedModel, ONNX, manifest and parity check."""

import keras
import tensorflow as tf

from ganzoo.export import input_checks
from ganzoo.export.export_plan import ExportPlan
from ganzoo.export.export_settings import DEFAULT_FORMATS
from ganzoo.export.export_settings import ExportSettings
from ganzoo.export.export_steps import check_generated_images
from ganzoo.export.export_steps import image_tensor_entry
from ganzoo.export.export_steps import single_float32_input
from ganzoo.export.float32_network import float32_network
from ganzoo.export.manifest import UNCONDITIONAL_TASK
from ganzoo.export.parity import ParityError
from ganzoo.latents import sample_latents

# `ParityError` is what `export_generator` raises on drift; it stays importable here.
__all__ = ["ParityError", "export_generator"]

LATENT_INPUT_NAME = "z"
IMAGES_OUTPUT_NAME = "images"


def export_generator(
    generator,
    directory,
    *,
    dataset=None,
    training_config=None,
    overwrite=False,
    parity_batch_sizes=(1, 5),
    tolerance=1e-4,
    seed=0,
    extra_files=None,
    formats=DEFAULT_FORMATS,
):
    """Export an unconditional generator to SavedModel and ONNX (and LiteRT), checked.

    The artifacts are float32 even for a network trained under a
    `mixed_float16` or `mixed_bfloat16` policy: that network is exported as
    its float32 twin (`ganzoo.export.float32_network.float32_network`), and
    parity is measured against the twin.

    Writes `directory/` with `saved_model/` (endpoint `serve`, also
    `serving_default`: input `z`, output `images`), `model.onnx` (input `z`,
    output `images`, dynamic batch named `"batch"`), with `formats` including
    `"litert"` also `model.tflite` (signature `serving_default`, same names),
    `manifest.json` and any `extra_files`. Before publishing, every artifact
    is run on fixed latents
    and compared with `generator(z, training=False)`; the measured differences
    go into the manifest.

    Everything is built in a hidden temporary directory beside `directory`
    (`.<name>.tmp-*`) and renamed into place at the end, so a failed export
    leaves nothing behind and an overwrite never leaves a mix of old and new
    files.

    Args:
        generator: `keras.Model` network (not a training wrapper) with one
            float32 input named `"z"` of shape `(batch, latent_dim)` and one
            float32 output of shape `(batch, height, width, channels)` with
            values in `[-1, 1]` (tanh).
        directory: `str` or `pathlib.Path`, the export directory to create.
            Its parent is created if missing.
        dataset: optional str, the training dataset's name, for the manifest.
        training_config: optional dict of JSON-serializable values, stored as
            the manifest's `training_config`.
        overwrite: bool; if True an existing `directory` is replaced.
        parity_batch_sizes: non-empty sequence of positive ints, the batch
            sizes of the parity check.
        tolerance: float >= 0, the largest absolute difference allowed between
            the in-memory generator and either artifact.
        seed: int or None, seed of the parity latents; each batch size `b`
            uses `ganzoo.latents.sample_latents(b, latent_dim, seed)`, i.e.
            `default_rng(seed).standard_normal((b, latent_dim), np.float32)`.
        extra_files: optional mapping of destination file name (no directory
            part) to source path, copied into the export, e.g.
            `{"samples.png": "runs/dcgan/grid.png"}`.
        formats: sequence of format names from
            `ganzoo.export.export_format.FORMATS`, with `"saved_model"` and
            `"onnx"`; add `"litert"` for a `.tflite` file.

    Returns:
        `pathlib.Path`, the absolute path of the published export directory.

    Raises:
        TypeError: if `generator` is not a `keras.Model`, `extra_files` is not
            a mapping of names to paths, `training_config` is not a dict of
            JSON values, or `seed`/`dataset` has the wrong type.
        ValueError: if the generator's input is not a single float32 `"z"` of
            shape `(None, latent_dim)`, its output is not float32 images in
            `[-1, 1]`, or an argument is out of range.
        FileExistsError: if `directory` exists and `overwrite` is False, or it
            exists and is not a directory.
        FileNotFoundError: if a source in `extra_files` does not exist.
        ParityError: if an artifact differs from the in-memory generator by
            more than `tolerance`; nothing is written in that case.

    Example:

    >>> import tempfile, keras
    >>> z = keras.Input((8,), name="z")
    >>> x = keras.layers.Dense(4 * 4 * 3, activation="tanh")(z)
    >>> generator = keras.Model(z, keras.layers.Reshape((4, 4, 3))(x))
    >>> path = export_generator(generator, tempfile.mkdtemp() + "/tiny")
    >>> sorted(p.name for p in path.iterdir())
    ['manifest.json', 'model.onnx', 'saved_model']
    """
    latent_dim = _latent_dim(generator)
    settings = ExportSettings.check(
        directory,
        overwrite=overwrite,
        formats=formats,
        parity_batch_sizes=parity_batch_sizes,
        tolerance=tolerance,
        seed=seed,
        dataset=dataset,
        training_config=training_config,
        extra_files=extra_files,
    )
    # Trained under a mixed policy or not, the artifacts are float32.
    generator = float32_network(generator)

    # Check the generator's outputs before spending time on the conversions.
    feeds, references = [], []
    for batch_size in settings.batch_sizes:
        latents = sample_latents(batch_size, latent_dim, seed=seed)
        images = keras.ops.convert_to_numpy(generator(latents, training=False))
        check_generated_images(images, batch_size)
        feeds.append({LATENT_INPUT_NAME: latents})
        references.append({IMAGES_OUTPUT_NAME: images})
    image_shape = list(references[0][IMAGES_OUTPUT_NAME].shape[1:])

    return ExportPlan(
        task=UNCONDITIONAL_TASK,
        network=generator,
        input_signature=[tf.TensorSpec((None, latent_dim), tf.float32, name=LATENT_INPUT_NAME)],
        output_names=[IMAGES_OUTPUT_NAME],
        feeds=feeds,
        references=references,
        subject="generator",
        parity_details=f"batch sizes {settings.batch_sizes} (seed {seed})",
        input_checks=input_checks.for_task(UNCONDITIONAL_TASK),
        manifest_fields={
            "inputs": [
                {
                    "name": LATENT_INPUT_NAME,
                    "shape": [None, latent_dim],
                    "dtype": "float32",
                    "distribution": "standard_normal",
                }
            ],
            "outputs": [image_tensor_entry(IMAGES_OUTPUT_NAME, image_shape)],
            "latent_dim": latent_dim,
            "image_shape": image_shape,
        },
    ).write(settings)


def _latent_dim(generator):
    """Validate the generator's input and return its latent size."""
    (latent_dim,) = single_float32_input(
        generator, role="generator", input_name=LATENT_INPUT_NAME, shape_text="(None, latent_dim)"
    )
    return latent_dim
