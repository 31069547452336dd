"""Every shipped export in `exported/` runs through `ganzoo.runtime` as its SavedModel does."""

import numpy as np
import pytest
import tensorflow as tf

from ganzoo import zoo
from ganzoo.latents import sample_latents

SHIPPED = [entry.name for entry in zoo.list(zoo.default_zoo_dir())]


def _seeded_inputs(runtime, seed=0):
    """Keyword arguments of the runtime's call and the same tensors by input name."""
    manifest = runtime.manifest
    rng = np.random.default_rng(seed)
    if manifest["task"] == "image_to_image_translation":
        channels = manifest["image_shape"][2]
        images = rng.uniform(-1.0, 1.0, (3, 12, 16, channels)).astype(np.float32)
        return runtime.translate, {"images": images}, {"images": images}
    if manifest["task"] == "image_classification":
        images = rng.uniform(-1.0, 1.0, (3, *manifest["image_shape"])).astype(np.float32)
        return runtime.predict, {"images": images}, {manifest["inputs"][0]["name"]: images}
    z = sample_latents(3, manifest["latent_dim"], seed=seed)
    if manifest["task"] == "conditional_image_generation":
        labels = np.array([0, manifest["num_classes"] - 1, 1], np.int32)
        return runtime.generate, {"z": z, "labels": labels}, {"z": z, "label": labels}
    return runtime.generate, {"z": z}, {"z": z}


@pytest.mark.large
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_export_runs_through_the_runtime_as_its_saved_model(name):
    runtime = zoo.load(name)
    call, arguments, tensors = _seeded_inputs(runtime)
    outputs = call(**arguments)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    serve = tf.saved_model.load(str(runtime.directory / "saved_model")).signatures[
        "serving_default"
    ]
    expected = serve(**{key: tf.constant(value) for key, value in tensors.items()})
    output_names = [entry["name"] for entry in runtime.manifest["outputs"]]
    if runtime.manifest["task"] == "image_classification":
        output_names = ["probabilities", "features"]
    assert len(outputs) == len(output_names)
    for output, output_name in zip(outputs, output_names, strict=True):
        np.testing.assert_allclose(output, expected[output_name].numpy(), rtol=0, atol=1e-4)
