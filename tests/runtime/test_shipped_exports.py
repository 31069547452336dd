"""Every shipped export in `exported/` runs through `ganzoo.runtime` as its SavedModel does."""

import json
import os
import subprocess
import sys

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
    assert len(outputs) == len(output_names)
    for output, output_name in zip(outputs, output_names, strict=True):
        np.testing.assert_allclose(output, expected[output_name].numpy(), rtol=0, atol=1e-4)


_NO_TENSORFLOW_SCRIPT = """
import json
import sys

import numpy as np

from ganzoo import zoo
from ganzoo.export.manifest import example_inputs

outputs = {}
for entry in zoo.list(zoo.default_zoo_dir()):
    runtime = zoo.load(entry.name)
    feed = example_inputs(runtime.manifest, 2, seed=0)
    checked = runtime.check_inputs({name: (name, value) for name, value in feed.items()})
    names = [output["name"] for output in runtime.manifest["outputs"]]
    outputs[entry.name] = [list(value.shape) for value in runtime.run(names, checked)]
heavy = sorted(name for name in sys.modules if name.split(".")[0] in ("tensorflow", "keras"))
assert not heavy, heavy
print(json.dumps(outputs))
"""


@pytest.mark.large
def test_every_runtime_class_runs_the_shipped_exports_without_tensorflow():
    completed = subprocess.run(
        [sys.executable, "-c", _NO_TENSORFLOW_SCRIPT],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    shapes = json.loads(completed.stdout.strip().splitlines()[-1])
    assert sorted(shapes) == sorted(SHIPPED)
    tasks = {zoo.find(name).task for name in shapes}
    assert len(tasks) == 4, tasks  # every runtime class ran
    assert shapes["dcgan_fashion_mnist"] == [[2, 28, 28, 1]]
    assert shapes["classifiers/fashion_mnist"] == [[2, 10], [2, 128]]
