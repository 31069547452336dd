"""The SavedModel stores each weight once (keras issue 23553 stores them twice)."""

import numpy as np
import tensorflow as tf

from ganzoo.export.saved_model import export_saved_model
from ganzoo.networks import ResNetGenerator


def test_each_weight_is_stored_once_and_restored(tmp_path):
    generator = ResNetGenerator(base_filters=4, num_residual_blocks=1)
    spec = [tf.TensorSpec((None, None, None, 3), tf.float32, name="images")]
    path = export_saved_model(generator, tmp_path / "sm", spec, output_names=["translated"])

    reader = tf.train.load_checkpoint(str(path / "variables" / "variables"))
    shapes = reader.get_variable_to_shape_map()
    stored = sum(
        int(np.prod(shape))
        for key, shape in shapes.items()
        if key != "_CHECKPOINTABLE_OBJECT_GRAPH"
    )
    assert stored == generator.count_params()

    loaded = tf.saved_model.load(str(path))
    images = np.random.default_rng(0).uniform(-1, 1, (2, 16, 24, 3)).astype(np.float32)
    for serve in (loaded.signatures["serving_default"], loaded.signatures["serve"]):
        np.testing.assert_allclose(
            serve(images=tf.constant(images))["translated"].numpy(),
            generator(images, training=False),
            atol=1e-6,
        )
    np.testing.assert_allclose(
        loaded.serve(tf.constant(images))["translated"].numpy(),
        generator(images, training=False),
        atol=1e-6,
    )
