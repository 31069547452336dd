"""What a cheaper copy of an export costs in quality: the same scores for every copy.

A copy is an export directory and the backend that runs it (`ganzoo.runtime.BACKENDS`:
`"onnxruntime"` for the float32 graph, `"onnxruntime_int8"` for the int8
graph of `ganzoo.benchmarking.quantized_copy`, `"litert"`). Generators are
scored by `ganzoo.evaluation.evaluate` (FID, KID, precision/recall, label
accuracy on the domain classifier's features), with the same samples for
every copy; a pair of translators by `ganzoo.metrics.translation_scores` on
every test image of both domains. The `*_table` functions write the rows as
Markdown.
"""

import pathlib
import time

from ganzoo.benchmarking.quantized_copy import domain_split
from ganzoo.export.manifest import MANIFEST_FILE_NAME
from ganzoo.export.manifest import TRANSLATION_TASK
from ganzoo.export.manifest import read_manifest


def generator_quality(export_name, models, classifier_dir, num_samples, seed):
    """`ganzoo.evaluation.evaluate` of each copy of a generator export.

    Args:
        export_name: str, the rows' `export`.
        models: dict from model name (`"float32"`, `"int8 dynamic"`, ...) to
            `(export_dir, backend)`.
        classifier_dir: the domain classifier export.
        num_samples: int, generated images per model (as for `evaluate`).
        seed: int, seeds the latents: the same for every model.

    Returns:
        list of dicts, one per model, with `table` (`"generator_quality"`),
        `export`, `model`, `num_samples`, `num_real`, `seed`, `seconds`,
        `metrics` (`evaluate`'s `generated`) and `floor` (its
        `real_train_vs_test`).

    Raises:
        FileNotFoundError, ValueError: as `evaluate`.
    """
    from ganzoo.evaluation import evaluate

    rows = []
    for model, (directory, backend) in models.items():
        result = evaluate(
            directory,
            classifier_dir=classifier_dir,
            num_samples=num_samples,
            seed=seed,
            write=False,
            backend=backend,
        )
        rows.append(
            {
                "table": "generator_quality",
                "export": export_name,
                "model": model,
                "num_samples": num_samples,
                "num_real": result["num_real"],
                "seed": seed,
                "seconds": result["seconds"],
                "metrics": result["generated"],
                "floor": result["real_train_vs_test"],
            }
        )
    return rows


def translation_quality(names, forward, backward, unpaired_data_dir, classifier_dir):
    """`ganzoo.metrics.translation_scores` of each copy of a translator pair.

    Args:
        names: `(forward_name, backward_name)`, the rows' `forward` and `backward`.
        forward: dict from model name to `(export_dir, backend)` of G
            (X -> Y), with X the domain of the `testA` folder.
        backward: the same for F (Y -> X), with the same model names.
        unpaired_data_dir: folders written by `recipes/make_unpaired_fashion_mnist.py`.
        classifier_dir: two-domain classifier (class 0: X, class 1: Y).

    Returns:
        list of dicts, one per model name, with `table`
        (`"translation_quality"`), `forward`, `backward`, `model`, `seconds`
        and `scores`.

    Raises:
        FileNotFoundError: if an export, the classifier or the folders are missing.
    """
    from ganzoo.data import load_unpaired_images
    from ganzoo.metrics import translation_scores
    from ganzoo.runtime import OnnxClassifier
    from ganzoo.runtime import OnnxImageTranslator

    first_dir = next(iter(forward.values()))[0]
    manifest = read_manifest(pathlib.Path(first_dir) / MANIFEST_FILE_NAME)
    images = {
        split: load_unpaired_images(
            manifest["dataset"],
            split,
            data_dir=unpaired_data_dir,
            image_size=manifest["image_shape"][0],
        )
        for split in ("testA", "testB")
    }
    classifier = OnnxClassifier(classifier_dir)
    rows = []
    for model in forward:
        start = time.perf_counter()
        scores = translation_scores(
            OnnxImageTranslator(forward[model][0], backend=forward[model][1]).translate,
            OnnxImageTranslator(backward[model][0], backend=backward[model][1]).translate,
            images["testA"],
            images["testB"],
            lambda batch: classifier.predict(batch)[0],
        )
        rows.append(
            {
                "table": "translation_quality",
                "forward": names[0],
                "backward": names[1],
                "model": model,
                "seconds": time.perf_counter() - start,
                "scores": scores,
            }
        )
    return rows


def translator_pairs(export_dirs, unpaired_data_dir_for):
    """Pairs `(G, F)` of translators among `export_dirs`, G's source being the `A` folders.

    Args:
        export_dirs: export directories (any tasks).
        unpaired_data_dir_for: callable dataset name -> data directory.

    Returns:
        list of `(forward_dir, backward_dir)`.
    """
    translators = {}
    for export_dir in export_dirs:
        manifest = read_manifest(pathlib.Path(export_dir) / MANIFEST_FILE_NAME)
        if manifest["task"] == TRANSLATION_TASK:
            key = (manifest["dataset"], manifest["source_domain"], manifest["target_domain"])
            translators[key] = export_dir
    pairs = []
    for (dataset, source, target), export_dir in translators.items():
        reverse = translators.get((dataset, target, source))
        split = domain_split(unpaired_data_dir_for(dataset), source, "test")
        if reverse is not None and split == "testA":
            pairs.append((export_dir, reverse))
    return pairs
