"""`ganzoo.runtime`: the shared input contract, zero rows, and the deprecated aliases."""

import importlib
import sys

import numpy as np
import pytest

import ganzoo.runtime
from ganzoo.export.generator_export import export_generator
from ganzoo.latents import sample_latents
from ganzoo.runtime import RUNTIME_CLASSES
from ganzoo.runtime import OnnxGenerator
from tests.export.tiny_generator import EXPORT_BATCH_SIZES
from tests.export.tiny_generator import IMAGE_SHAPE
from tests.export.tiny_generator import LATENT_DIM
from tests.export.tiny_generator import TRAINING_CONFIG
from tests.export.tiny_generator import build_tiny_generator


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    return export_generator(
        build_tiny_generator(),
        tmp_path_factory.mktemp("runtime") / "tiny",
        dataset="fashion_mnist",
        training_config=TRAINING_CONFIG,
        parity_batch_sizes=EXPORT_BATCH_SIZES,
        tolerance=1e-4,
    )


def test_every_task_has_one_runtime_class_that_serves_it():
    assert sorted(RUNTIME_CLASSES) == [
        "conditional_image_generation",
        "image_classification",
        "image_to_image_translation",
        "unconditional_image_generation",
    ]
    for task, runtime_class in RUNTIME_CLASSES.items():
        assert issubclass(runtime_class, ganzoo.runtime.OnnxModel)
        assert runtime_class.TASK == task
        # Files are named after their classes: OnnxImageTranslator in onnx_image_translator.py.
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in runtime_class.__name__)
        assert runtime_class.__module__ == f"ganzoo.runtime.{snake.lstrip('_')}"


def test_zero_rows_give_zero_images_without_running_the_session(exported, monkeypatch):
    generator = OnnxGenerator(exported)
    monkeypatch.setattr(generator._session, "run", lambda *args: pytest.fail("session ran"))
    images = generator.generate(np.zeros((0, LATENT_DIM), np.float32))
    assert images.shape == (0, *IMAGE_SHAPE)
    assert images.dtype == np.float32


def test_check_inputs_returns_the_feeds_and_names_the_argument(exported):
    generator = OnnxGenerator(exported)
    z = sample_latents(3, LATENT_DIM, seed=0)
    feeds = generator.check_inputs({"z": ("latents", z)})
    assert list(feeds) == ["z"] and feeds["z"] is z
    with pytest.raises(ValueError, match=r"`latents` must have shape \(rows, 8\)"):
        generator.check_inputs({"z": ("latents", z[:, :2])}, batch_name="rows")
    with pytest.raises(TypeError, match=r"`latents` must have dtype float32.*astype"):
        generator.check_inputs({"z": ("latents", z.astype(np.float16))})
    with pytest.raises(ValueError, match=r"has no inputs \['label'\]; its inputs are \['z'\]"):
        generator.check_inputs({"z": ("z", z), "label": ("labels", np.zeros(3, np.int32))})


def test_a_manifest_with_other_input_names_is_refused_at_load(exported, tmp_path):
    class TwoInputs(OnnxGenerator):
        INPUT_NAMES = ("z", "label")

    with pytest.raises(ValueError, match=r"lists inputs \['z'\]; TwoInputs expects"):
        TwoInputs(exported)


@pytest.mark.parametrize(
    ("module_name", "class_name"),
    [
        ("ganzoo.export.runtime", "OnnxGenerator"),
        ("ganzoo.export.conditional_runtime", "OnnxConditionalGenerator"),
        ("ganzoo.export.translator_runtime", "OnnxImageTranslator"),
        ("ganzoo.export.feature_runtime", "OnnxClassifier"),
    ],
)
def test_the_old_module_paths_warn_and_give_the_same_class(module_name, class_name, monkeypatch):
    monkeypatch.delitem(sys.modules, module_name, raising=False)
    with pytest.warns(DeprecationWarning, match=f"import {class_name} from ganzoo.runtime"):
        module = importlib.import_module(module_name)
    assert getattr(module, class_name) is getattr(ganzoo.runtime, class_name)
