"""Export an image-to-image generator (CycleGAN's G or F): SavedModel, ONNX, manifest."""

import keras
import numpy as np
import tensorflow as tf

from ganzoo.export import input_checks
from ganzoo.export.export_plan import ExportPlan
from ganzoo.export.export_settings import DEFAULT_FORMATS
from ganzoo.export.export_settings import ExportSettings
from ganzoo.export.export_steps import check_generated_images
from ganzoo.export.export_steps import export_directory
from ganzoo.export.export_steps import image_tensor_entry
from ganzoo.export.export_steps import staged_export
from ganzoo.export.export_steps import symbolic_inputs
from ganzoo.export.float32_network import float32_network
from ganzoo.export.manifest import TRANSLATION_TASK

IMAGES_INPUT_NAME = "images"
IMAGES_OUTPUT_NAME = "translated_images"


def export_image_translator(
    generator,
    directory,
    *,
    image_shape,
    size_multiple=None,
    source_domain=None,
    target_domain=None,
    dataset=None,
    training_config=None,
    overwrite=False,
    parity_image_sizes=((256, 256), (64, 96)),
    parity_batch_sizes=(1, 2),
    tolerance=1e-4,
    seed=0,
    extra_files=None,
    formats=DEFAULT_FORMATS,
):
    """Export a fully convolutional image-to-image generator, checked at two sizes.

    The artifacts are float32 even for a network trained under a
    `mixed_float16` or `mixed_bfloat16` policy: that network is exported as
    its float32 twin (`ganzoo.export.float32_network.float32_network`), and
    parity is measured against the twin.

    Writes `directory/` with `saved_model/` (endpoint `serve`, also
    `serving_default`: input `images`, output `translated_images`),
    `model.onnx` (same names; batch, height and width dynamic), `manifest.json`
    (task `"image_to_image_translation"`, the domains, the training size,
    `size_multiple` and `min_size`, the smallest side the network takes, found
    by running it) and any `extra_files`. The SavedModel refuses images that
    are not finite, leave `[-1, 1]`, or have sides that are not multiples of
    `size_multiple` or are below `min_size` (`tf.errors.InvalidArgumentError`
    from an in-graph assertion). Before publishing, both artifacts
    run on seeded images uniform in `[-1, 1]` at every size in
    `parity_image_sizes` and every batch size in `parity_batch_sizes`, and are
    compared with `generator(images, training=False)`. Built in a hidden
    temporary directory and renamed into place, so a failed export leaves
    nothing behind.

    Args:
        generator: `keras.Model` network (not the `CycleGAN` wrapper) with one
            float32 input named `"images"` of shape `(batch, height, width,
            channels)`, height and width `None`, returning float32 images of
            the same shape in `[-1, 1]`.
        directory: `str` or `pathlib.Path`, the export directory to create.
        image_shape: `(height, width, channels)` the generator was trained at,
            for the manifest.
        size_multiple: int, what height and width must be multiples of
            (`2 ** num_downsamples`); read from `generator.num_downsamples`
            when None.
        source_domain: optional str, the input domain's name (e.g. `"horse"`).
        target_domain: optional str, the output domain's name.
        dataset: optional str, the training dataset's name.
        training_config: optional dict of JSON values for the manifest.
        overwrite: bool; if True an existing `directory` is replaced.
        parity_image_sizes: sequence of `(height, width)` pairs, each a multiple
            of `size_multiple`: the sizes of the parity check.
        parity_batch_sizes: non-empty sequence of positive ints.
        tolerance: float >= 0, the largest absolute difference allowed.
        seed: int or None, seed of the parity images
            (`np.random.default_rng(seed)`).
        extra_files: optional mapping of file name to source path, copied in
            (e.g. a translation grid).
        formats: sequence of format names, with `"saved_model"` and `"onnx"`;
            add `"litert"` for a `.tflite` file (see `export_generator`).

    Returns:
        `pathlib.Path`, the absolute path of the published export directory.

    Raises:
        TypeError: if `generator` is not a `keras.Model`, or an argument has
            the wrong type.
        ValueError: if the generator's input is not one float32 `"images"`
            tensor with dynamic height and width, its output does not match the
            input shape or leaves `[-1, 1]`, a parity size is not a multiple of
            `size_multiple` or is below `min_size`, or an argument is out of
            range.
        FileExistsError: if `directory` exists and `overwrite` is False.
        ParityError: if an artifact differs from the in-memory generator by
            more than `tolerance`; nothing is written in that case.

    Example:

    >>> import tempfile
    >>> from ganzoo.networks import ResNetGenerator
    >>> generator = ResNetGenerator(base_filters=4, num_residual_blocks=1)
    >>> path = export_image_translator(
    ...     generator, tempfile.mkdtemp() + "/g", image_shape=(32, 32, 3),
    ...     parity_image_sizes=[(32, 32), (16, 24)])
    >>> sorted(p.name for p in path.iterdir())
    ['manifest.json', 'model.onnx', 'saved_model']
    """
    channels = _input_channels(generator)
    size_multiple = _size_multiple(generator, size_multiple)
    image_shape = _image_shape(image_shape, channels)
    image_sizes = _parity_image_sizes(parity_image_sizes, size_multiple)
    for argument, value in (("source_domain", source_domain), ("target_domain", target_domain)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"`{argument}` must be a string or None. Received: {value!r}.")
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
    min_size = _min_size(generator, size_multiple, image_shape)
    too_small = [size for size in image_sizes if min(size) < min_size]
    if too_small:
        raise ValueError(
            f"`parity_image_sizes` {too_small} are below the network's minimum image "
            f"size of {min_size}x{min_size}."
        )

    # Check the generator's outputs before spending time on the conversions.
    rng = np.random.default_rng(seed)
    feeds, references = [], []
    for height, width in image_sizes:
        for batch_size in settings.batch_sizes:
            images = rng.uniform(-1.0, 1.0, (batch_size, height, width, channels))
            images = images.astype(np.float32)
            translated = keras.ops.convert_to_numpy(generator(images, training=False))
            check_generated_images(translated, batch_size)
            if translated.shape != images.shape:
                raise ValueError(
                    "An image translator must return images of its input's shape. "
                    f"For input shape {images.shape} it returned {translated.shape}."
                )
            feeds.append({IMAGES_INPUT_NAME: images})
            references.append({IMAGES_OUTPUT_NAME: translated})

    return ExportPlan(
        task=TRANSLATION_TASK,
        network=generator,
        input_signature=[
            tf.TensorSpec((None, None, None, channels), tf.float32, name=IMAGES_INPUT_NAME)
        ],
        output_names=[IMAGES_OUTPUT_NAME],
        feeds=feeds,
        references=references,
        subject="image translator",
        parity_details=f"sizes {image_sizes} x batch sizes {settings.batch_sizes} (seed {seed})",
        input_checks=input_checks.for_task(
            TRANSLATION_TASK, size_multiple=size_multiple, min_size=min_size
        ),
        parity_image_sizes=[list(size) for size in image_sizes],
        manifest_fields={
            "inputs": [image_tensor_entry(IMAGES_INPUT_NAME, [None, None, channels])],
            "outputs": [image_tensor_entry(IMAGES_OUTPUT_NAME, [None, None, channels])],
            "image_shape": list(image_shape),
            "size_multiple": size_multiple,
            "min_size": min_size,
            "source_domain": source_domain,
            "target_domain": target_domain,
        },
    ).write(settings)


def _input_channels(generator):
    inputs = symbolic_inputs(generator, role="generator", first_input_name=IMAGES_INPUT_NAME)
    if len(inputs) != 1 or inputs[0].name != IMAGES_INPUT_NAME:
        raise ValueError(
            f"An image translator must have exactly one input, named '{IMAGES_INPUT_NAME}'. "
            f"Received inputs named {[tensor.name for tensor in inputs]}."
        )
    dtype = keras.backend.standardize_dtype(inputs[0].dtype)
    shape = tuple(inputs[0].shape)
    if dtype != "float32" or len(shape) != 4 or shape[0] is not None or shape[3] is None:
        raise ValueError(
            f"The generator's input '{IMAGES_INPUT_NAME}' must be float32 of shape "
            f"(batch, height, width, channels) with known channels. Received dtype "
            f"{dtype}, shape {shape}."
        )
    if shape[1] is not None or shape[2] is not None:
        raise ValueError(
            "An exported translator takes any height and width, so the generator's input "
            f"must have shape (None, None, None, channels). Received shape {shape}; build "
            "it fully convolutional (e.g. `ResNetGenerator`)."
        )
    return int(shape[3])


def _size_multiple(generator, size_multiple):
    if size_multiple is None:
        num_downsamples = getattr(generator, "num_downsamples", None)
        if num_downsamples is None:
            raise ValueError(
                "Pass `size_multiple` (what height and width must be multiples of); the "
                f"generator '{generator.name}' has no `num_downsamples` to read it from."
            )
        size_multiple = 2**num_downsamples
    if isinstance(size_multiple, bool) or not isinstance(size_multiple, int) or size_multiple < 1:
        raise ValueError(f"`size_multiple` must be a positive int. Received: {size_multiple!r}.")
    return size_multiple


def _min_size(generator, size_multiple, image_shape):
    """The smallest side, a multiple of `size_multiple`, the network can translate.

    Found by running it on one square image of each multiple in turn: a side
    can be too small for a layer although it is a multiple (ResNet-6 at 4x4
    downsamples to 1x1, which its reflection padding cannot pad).
    """
    largest = min(image_shape[:2])
    for side in range(size_multiple, largest + size_multiple, size_multiple):
        try:
            generator(np.zeros((1, side, side, image_shape[2]), np.float32), training=False)
        except (ValueError, tf.errors.InvalidArgumentError):
            continue
        return side
    raise ValueError(
        f"The generator '{generator.name}' fails on every square image from "
        f"{size_multiple}x{size_multiple} to its training size {largest}x{largest}."
    )


def _image_shape(image_shape, channels):
    image_shape = tuple(image_shape) if isinstance(image_shape, (tuple, list)) else image_shape
    if (
        not isinstance(image_shape, tuple)
        or len(image_shape) != 3
        or not all(isinstance(size, int) and size > 0 for size in image_shape)
        or image_shape[2] != channels
    ):
        raise ValueError(
            "`image_shape` must be (height, width, channels) of positive ints with the "
            f"generator's {channels} channels. Received: {image_shape!r}."
        )
    return image_shape


def _parity_image_sizes(sizes, size_multiple):
    checked = []
    for size in sizes:
        if (
            not isinstance(size, (tuple, list))
            or len(size) != 2
            or not all(isinstance(side, int) and side > 0 for side in size)
            or any(side % size_multiple for side in size)
        ):
            raise ValueError(
                "`parity_image_sizes` must hold (height, width) pairs of positive ints, "
                f"multiples of {size_multiple}. Received: {sizes!r}."
            )
        checked.append(tuple(size))
    if not checked:
        raise ValueError("`parity_image_sizes` must hold at least one size.")
    return checked


TRANSLATOR_PAIR_NAMES = ("g_x_to_y", "f_y_to_x")
"""The directories of a CycleGAN pair: G (X -> Y) and F (Y -> X)."""


def check_translator_pair_directory(directory, overwrite):
    """The absolute directory of a translator pair, checked before any work.

    The directory holds `g_x_to_y/` and `f_y_to_x/` and nothing else: it is
    replaced as a whole, so it must not be a directory of other exports.

    Raises:
        FileExistsError: if it exists and `overwrite` is False, is not a
            directory, or holds anything besides the pair.
    """
    directory = export_directory(directory, overwrite)
    if directory.is_dir():
        others = sorted(
            path.name
            for path in directory.iterdir()
            if path.name not in TRANSLATOR_PAIR_NAMES and not path.name.startswith(".")
        )
        if others:
            raise FileExistsError(
                f"'{directory}' holds {', '.join(others)} besides the pair; the export "
                "replaces the whole directory. Choose a directory for the pair alone."
            )
    return directory


def export_translator_pair(
    generator_g,
    generator_f,
    directory,
    *,
    domains=(None, None),
    overwrite=False,
    **translator_options,
):
    """Exports CycleGAN's two generators as one pair, published both or neither.

    `directory/g_x_to_y/` is `generator_g` (X -> Y) and `directory/f_y_to_x/`
    is `generator_f` (Y -> X), each an `export_image_translator` export. Both
    are built in one staging directory that replaces `directory` only when
    both exported and passed their parity checks: a failure leaves the
    previous pair as it was, never G of one run beside F of another.

    Args:
        generator_g: the X -> Y generator network.
        generator_f: the Y -> X generator network.
        directory: `str` or `pathlib.Path` of the pair's directory.
        domains: `(name of X, name of Y)`, each a str or None.
        overwrite: bool; replace an existing pair.
        **translator_options: passed to both `export_image_translator` calls
            (`image_shape` is required; `dataset`, `training_config`,
            `parity_image_sizes`, `extra_files`, `formats`, ...).

    Returns:
        list of the two published directories, G's then F's.

    Raises:
        FileExistsError: as `check_translator_pair_directory`.
        ValueError, TypeError, ParityError: as `export_image_translator`;
            nothing is published then.
    """
    directory = check_translator_pair_directory(directory, overwrite)
    domain_x, domain_y = domains
    with staged_export(directory) as staging:
        for name, generator, source, target in zip(
            TRANSLATOR_PAIR_NAMES,
            (generator_g, generator_f),
            (domain_x, domain_y),
            (domain_y, domain_x),
            strict=True,
        ):
            export_image_translator(
                generator,
                staging / name,
                source_domain=source,
                target_domain=target,
                **translator_options,
            )
    return [directory / name for name in TRANSLATOR_PAIR_NAMES]
