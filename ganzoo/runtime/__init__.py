"""Run exported models with onnxruntime and NumPy only: importing this never imports TensorFlow.

One class per manifest task, each an `OnnxModel` that opens an export
directory (`manifest.json` and the ONNX file it names) and checks every
input against the manifest's contract before onnxruntime sees it:

- `OnnxGenerator`: unconditional generators (`z` -> images).
- `OnnxConditionalGenerator`: class-conditional generators (`z`, `label`).
- `OnnxImageTranslator`: image-to-image generators (CycleGAN's G and F).
- `OnnxClassifier`: classifiers (probabilities and features).

`RUNTIME_CLASSES` maps each manifest task to its class.

Example:

>>> from ganzoo.runtime import OnnxGenerator
>>> generator = OnnxGenerator("exported/dcgan_fashion_mnist")  # doctest: +SKIP
>>> images = generator.sample(16, seed=0)  # doctest: +SKIP
"""

from ganzoo.runtime.onnx_classifier import OnnxClassifier
from ganzoo.runtime.onnx_conditional_generator import OnnxConditionalGenerator
from ganzoo.runtime.onnx_generator import OnnxGenerator
from ganzoo.runtime.onnx_image_translator import OnnxImageTranslator
from ganzoo.runtime.onnx_model import OnnxModel

RUNTIME_CLASSES = {
    runtime_class.TASK: runtime_class
    for runtime_class in (
        OnnxGenerator,
        OnnxConditionalGenerator,
        OnnxImageTranslator,
        OnnxClassifier,
    )
}

__all__ = [
    "RUNTIME_CLASSES",
    "OnnxClassifier",
    "OnnxConditionalGenerator",
    "OnnxGenerator",
    "OnnxImageTranslator",
    "OnnxModel",
]
