"""ganzoo: generative adversarial networks in Keras 3, exported to SavedModel and ONNX.

Import what you need from the subpackages (`ganzoo.models`, `ganzoo.losses`,
`ganzoo.networks`, `ganzoo.data`, `ganzoo.callbacks`, `ganzoo.export`). This
top-level module imports nothing heavy, so that `ganzoo.runtime` can be
used where TensorFlow is not installed.
"""

__version__ = "0.1.0"
