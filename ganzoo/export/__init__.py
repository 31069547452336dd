"""Export networks to SavedModel, ONNX and LiteRT, checked against the network.

The exporters need TensorFlow; `ganzoo.runtime`, which runs the exports,
does not. So that `ganzoo.runtime` can read the manifest module without
TensorFlow and Keras, this package imports nothing at start-up and resolves
its public names on first access (PEP 562):

- `export_generator(generator, directory, ...)`: SavedModel + ONNX +
  `manifest.json`, parity-checked, published atomically.
- `ParityError`: raised when an artifact drifts from the in-memory network.
- `export_saved_model(model, path, input_signature)`,
  `export_onnx(model, path, input_signature)` and
  `export_litert(model, path, input_signature)`: the generic exporters over a
  list of named `tf.TensorSpec`; every task exporter takes `formats=` to add
  LiteRT (`ganzoo.export.export_format.FORMATS`).
- `export_classifier(classifier, directory, ...)`: the same for an image
  classifier, with `probabilities` and `features` outputs.
- `export_conditional_generator(generator, directory, *, class_names, ...)`:
  the same for a generator of `z` and an int32 `label`.
- `export_image_translator(generator, directory, *, image_shape, ...)`: the
  same for an image-to-image generator (CycleGAN's G or F) of any size.
- `export_translator_pair(generator_g, generator_f, directory, ...)`:
  CycleGAN's two directions, published both or neither.
- `quantize_int8(export_dir, calibration_inputs, calibration=...)`: adds a
  calibrated int8 `model.int8.onnx` and its manifest entry to an export.
- `add_input_checks(export_dir)`: gives an export written before the
  SavedModel asserted its input contract those assertions.

The runtimes (`OnnxGenerator`, `OnnxConditionalGenerator`,
`OnnxImageTranslator`, `OnnxClassifier`) live in `ganzoo.runtime`; they stay
importable from here.

Example:

>>> from ganzoo.runtime import OnnxGenerator  # no TensorFlow import
>>> from ganzoo.export import export_generator  # imports TensorFlow
"""

import importlib

_LAZY_ATTRIBUTES = {
    "export_generator": "ganzoo.export.generator_export",
    "ParityError": "ganzoo.export.parity",
    "export_saved_model": "ganzoo.export.saved_model",
    "export_onnx": "ganzoo.export.onnx",
    "export_litert": "ganzoo.export.litert",
    "OnnxGenerator": "ganzoo.runtime.onnx_generator",
    "export_classifier": "ganzoo.export.classifier_export",
    "OnnxClassifier": "ganzoo.runtime.onnx_classifier",
    "export_conditional_generator": "ganzoo.export.conditional_generator_export",
    "OnnxConditionalGenerator": "ganzoo.runtime.onnx_conditional_generator",
    "export_image_translator": "ganzoo.export.image_translator_export",
    "export_translator_pair": "ganzoo.export.image_translator_export",
    "OnnxImageTranslator": "ganzoo.runtime.onnx_image_translator",
    "add_input_checks": "ganzoo.export.input_checks",
    "quantize_int8": "ganzoo.export.quantization",
}

__all__ = sorted(_LAZY_ATTRIBUTES)


def __getattr__(name):
    module_name = _LAZY_ATTRIBUTES.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY_ATTRIBUTES))
