"""Scoring exported generators: FID, KID, precision/recall on domain or FID Inception features.

`evaluate` compares an export's samples with the real test images through
the features of the domain classifier shipped for its dataset
(`exported/classifiers/<dataset>/`): FID and KID on those features ("domain
features": never compare them with InceptionV3 numbers), precision and recall
(k = 3), and the Inception-Score formula on the classifier's probabilities.
`evaluate_inception` runs the same comparisons on the 2015 FID Inception
network, whose numbers are comparable with papers'. Both return a dict and,
with `write=True`, store it in the export's manifest. `ganzoo evaluate`
(`ganzoo.cli`) is their command line.
"""

import datetime
import pathlib
import sys
import time

import numpy as np

from ganzoo.export.manifest import MANIFEST_FILE_NAME
from ganzoo.export.manifest import read_manifest
from ganzoo.export.manifest import write_manifest
from ganzoo.images import to_uint8


def default_classifier_dir(export_dir, dataset):
    """The domain classifier `evaluate` uses for an export of `dataset`.

    `<export_dir>/../classifiers/<dataset>` when it exists (an export inside
    a zoo directory), else `classifiers/<dataset>` in the zoo
    (`ganzoo.zoo.default_zoo_dir()`).

    Raises:
        ValueError: if `dataset` is None (the manifest names none).
        FileNotFoundError: if neither directory exists; the message names both.
    """
    from ganzoo.zoo import default_zoo_dir

    if dataset is None:
        raise ValueError(f"The manifest of '{export_dir}' names no dataset; pass --classifier.")
    beside = pathlib.Path(export_dir).parent / "classifiers" / dataset
    in_zoo = default_zoo_dir() / "classifiers" / dataset
    for candidate in (beside, in_zoo):
        if (candidate / MANIFEST_FILE_NAME).is_file():
            return candidate
    raise FileNotFoundError(
        f"No domain classifier for '{dataset}' at '{beside}' or '{in_zoo}'. Train one with "
        "`python recipes/train_domain_classifier.py` or pass --classifier DIR."
    )


def _check_write(export_dir, section, num_samples):
    """Refuses, before any work, to replace a section measured on more samples.

    Raises:
        ValueError: if `manifest[section]` holds metrics of more than
            `num_samples` generated images.
    """
    existing = read_manifest(pathlib.Path(export_dir) / MANIFEST_FILE_NAME).get(section) or {}
    previous = existing.get("num_generated")
    if previous is not None and previous > num_samples:
        raise ValueError(
            f"`write` would replace the {previous:,}-sample '{section}' of "
            f"{export_dir} with {num_samples:,}-sample numbers (FID is biased in n). "
            f"Evaluate with num_samples >= {previous}, or without writing."
        )


def _real_images(dataset, num_samples, seed):
    """The same seeded subsets for every evaluation: test images, and train images with labels.

    Returns:
        `(test_images, (train_images, train_labels))`: at most `num_samples`
        test images and exactly `num_samples` training images, uint8.
    """
    from ganzoo.data import load_image_arrays

    test_images, _ = load_image_arrays(dataset, split="test")
    train_images, train_labels = load_image_arrays(dataset, split="train")
    rng = np.random.default_rng(seed)
    num_real = min(num_samples, len(test_images))
    test_images = test_images[rng.choice(len(test_images), num_real, replace=False)]
    train_choice = rng.choice(len(train_images), num_samples, replace=False)
    return test_images, (train_images[train_choice], train_labels[train_choice])


class _Stages:
    """A progress bar over named stages on stderr (tqdm), or nothing."""

    def __init__(self, enabled, names):
        self._names = names
        self._started = False
        self._bar = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=len(names), file=sys.stderr, unit="stage", leave=False)

    def next(self):
        """Marks the running stage done and names the next one."""
        if self._bar is not None:
            if self._started:
                self._bar.update()
            self._started = True
            self._bar.set_description_str(self._names[self._bar.n])

    def close(self):
        if self._bar is not None:
            self._bar.update(len(self._names) - self._bar.n)
            self._bar.close()


def _generate(generator, num_samples, seed, batch_size=1000):
    """Samples `num_samples` images; a conditional generator cycles through the classes.

    Returns:
        `(images, labels)`; `labels` is None for an unconditional generator.
    """
    from ganzoo.latents import sample_latents

    z = sample_latents(num_samples, generator.latent_dim, seed=seed)
    labels = None
    if hasattr(generator, "num_classes"):
        labels = np.arange(num_samples) % generator.num_classes
    chunks = []
    for start in range(0, num_samples, batch_size):
        batch = slice(start, start + batch_size)
        if labels is None:
            chunks.append(generator.generate(z[batch]))
        else:
            chunks.append(generator.generate(z[batch], labels[batch]))
    return np.concatenate(chunks), labels


def sample_metrics(real_features, fake_features, fake_probabilities, seed=0, labels=None):
    """The evaluation table for one set of samples against real features.

    Args:
        real_features: float array `(n_real, d)`, domain features of real images.
        fake_features: float array `(n_fake, d)`, of generated images.
        fake_probabilities: float array `(n_fake, num_classes)`, the domain
            classifier's class probabilities for the generated images.
        seed: int, seeds the KID subsets.
        labels: optional int array `(n_fake,)`: the classes the images were
            asked to show (conditional generators) or have (real images).

    Returns:
        dict of floats, named after the extractor (`_domain`: the domain
        classifier's penultimate features or, for the scores, its class
        probabilities): `fid_domain`, `kid_domain` and `kid_domain_std` (the
        unbiased MMD^2 estimate itself, not scaled), `precision_domain`,
        `recall_domain` (k = 3), `inception_score_domain` and
        `inception_score_domain_std` (the Inception Score formula on the
        domain classifier, not on Inception), `class_entropy_bits` (of
        the histogram of predicted classes; log2(10) = 3.32 for a balanced
        10-class set); with `labels`, also `label_accuracy`, the share of
        images the classifier assigns to their class.
    """
    from ganzoo.metrics import class_entropy_bits
    from ganzoo.metrics import frechet_distance
    from ganzoo.metrics import inception_score
    from ganzoo.metrics import kernel_inception_distance
    from ganzoo.metrics import precision_recall

    kid = kernel_inception_distance(real_features, fake_features, seed=seed)
    precision_and_recall = precision_recall(real_features, fake_features, k=3)
    score = inception_score(fake_probabilities)
    metrics = {
        "fid_domain": float(frechet_distance(real_features, fake_features)),
        "kid_domain": float(kid.mean),
        "kid_domain_std": float(kid.std),
        "precision_domain": float(precision_and_recall.precision),
        "recall_domain": float(precision_and_recall.recall),
        "inception_score_domain": float(score.mean),
        "inception_score_domain_std": float(score.std),
        "class_entropy_bits": class_entropy_bits(fake_probabilities),
    }
    if labels is not None:
        metrics["label_accuracy"] = float(np.mean(fake_probabilities.argmax(axis=1) == labels))
    return metrics


def evaluate(
    export_dir,
    classifier_dir=None,
    num_samples=10_000,
    seed=0,
    write=False,
    progress=False,
    backend="onnxruntime",
):
    """Evaluates an exported generator; returns the manifest's `metrics` entry.

    A conditional generator is asked for the classes in turn (0, 1, ...,
    num_classes - 1, 0, ...), and the result adds `label_accuracy`: the share
    of samples the domain classifier assigns to the requested class (for the
    real training images: the classifier's own accuracy on them).

    Args:
        export_dir: directory written by `ganzoo.export.export_generator` or
            `export_conditional_generator`.
        classifier_dir: a classifier export; defaults to
            `<export_dir>/../classifiers/<dataset>` when that exists (an
            export inside the zoo), else the zoo's
            `classifiers/<dataset>` (`ganzoo.zoo.default_zoo_dir()`), so
            that `runs/<name>/export` is scored like the shipped model.
        num_samples: int, generated images (and at most that many real test
            images) compared.
        seed: int, seeds the latents and the KID subsets.
        write: bool, store the result in the export's manifest (atomically);
            refused if the manifest holds metrics of more samples.
        progress: bool, draw a progress bar of the stages on stderr.
        backend: what runs the generator (`ganzoo.runtime.BACKENDS`):
            `"onnxruntime"` (`model.onnx`), `"onnxruntime_int8"` (the int8
            copy of `ganzoo.export.quantize_int8`) or `"litert"`. With
            `write`, the float32 graph's scores go to the manifest's
            `metrics` and another backend's to `metrics_<backend>`, so the
            cost of a cheaper copy sits beside the scores it is compared with.

    Returns:
        dict with `extractor`, `classifier_test_accuracy`, `num_generated`,
        `num_real`, `real_split`, `seed`, `seconds`, `generated` (the metrics
        of the samples) and `real_train_vs_test` (the same metrics for real
        training images: the floor a perfect generator would reach).

    Raises:
        FileNotFoundError: if the export or the classifier is missing.
        ValueError: if the manifest names no dataset and no classifier is given,
            or `write` would replace metrics of more samples.
    """
    start = time.perf_counter()
    export_dir = pathlib.Path(export_dir)
    section = "metrics" if backend == "onnxruntime" else f"metrics_{backend}"
    if write:  # before TensorFlow (ganzoo.data) is imported
        _check_write(export_dir, section, num_samples)

    from ganzoo.export.manifest import CONDITIONAL_TASK
    from ganzoo.runtime import OnnxClassifier
    from ganzoo.runtime import OnnxConditionalGenerator
    from ganzoo.runtime import OnnxGenerator

    task = read_manifest(export_dir / MANIFEST_FILE_NAME)["task"]
    if task == CONDITIONAL_TASK:
        generator = OnnxConditionalGenerator(export_dir, backend=backend)
    else:
        generator = OnnxGenerator(export_dir, backend=backend)
    dataset = generator.manifest["dataset"]
    if classifier_dir is None:
        classifier_dir = default_classifier_dir(export_dir, dataset)
    classifier_dir = pathlib.Path(classifier_dir)
    classifier = OnnxClassifier(classifier_dir)

    stages = _Stages(
        progress, ["real images", "real features", "samples", "sample features", "metrics"]
    )
    stages.next()
    test_images, (train_images, train_labels) = _real_images(dataset, num_samples, seed)
    num_real = len(test_images)

    def unit(pixels):
        return pixels.astype(np.float32) / 127.5 - 1.0

    stages.next()
    _, real_features = classifier.predict(unit(test_images))
    train_probabilities, train_features = classifier.predict(unit(train_images))
    stages.next()
    fake_images, requested_labels = _generate(generator, num_samples, seed)
    stages.next()
    fake_probabilities, fake_features = classifier.predict(fake_images)
    conditional = requested_labels is not None
    stages.next()
    result = {
        "extractor": f"domain classifier {classifier_dir.as_posix()} (penultimate features)",
        "classifier_test_accuracy": classifier.manifest.get("test_accuracy"),
        "num_generated": num_samples,
        "num_real": num_real,
        "real_split": "test",
        "seed": seed,
        "generated": sample_metrics(
            real_features, fake_features, fake_probabilities, seed, requested_labels
        ),
        "real_train_vs_test": sample_metrics(
            real_features,
            train_features,
            train_probabilities,
            seed,
            train_labels if conditional else None,
        ),
        "evaluated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    stages.close()
    result["seconds"] = round(time.perf_counter() - start, 1)
    if write:
        manifest = read_manifest(export_dir / MANIFEST_FILE_NAME)
        manifest[section] = result
        write_manifest(manifest, export_dir / MANIFEST_FILE_NAME)
    return result


def evaluate_inception(
    export_dir,
    weights=None,
    resize="clean",
    num_samples=10_000,
    seed=0,
    write=False,
    batch_size=50,
    progress=False,
):
    """FID, KID, precision/recall and density/coverage on the FID Inception network.

    The numbers papers, StudioGAN and clean-fid report: generated images are
    quantized to uint8 (as when saved to PNG), real test images are the
    same random subset `evaluate` uses, and both go through the 2015 FID
    Inception network (`ganzoo.networks.FIDInceptionV3`) in one of the
    reference resize modes. Real training images against the test images
    give the floor. The metric names carry the network, the resize mode and
    the sample count, e.g. `fid_inception2015_clean_10k`, and with
    `write=True` they go into the manifest's own `metrics_inception2015_<resize>`
    section, never into `metrics` (domain features). Slow on a CPU: about
    three forward passes of 299x299 Inception per sample count.

    Args:
        export_dir: a generator export (unconditional or conditional).
        weights: converted FID Inception weights (see
            `ganzoo.networks.fid_inception_weights_path`); None looks in the
            default places.
        resize: `"clean"` (clean-fid) or `"pytorch_fid"`.
        num_samples: int, generated (and at most as many real) images.
        seed: int, seeds the latents, the real subsets and the KID subsets.
        write: bool, store the result in the export's manifest.
        batch_size: int, images per network call.
        progress: bool, draw a progress bar of the stages on stderr.

    Returns:
        dict with `extractor`, `resize`, `num_generated`, `num_real`,
        `real_split`, `seed`, `generated`, `real_train_vs_test`, `seconds`.

    Raises:
        FileNotFoundError: if the export or the weights are missing.
        ValueError: for an unknown `resize`, or if `write` would replace
            metrics of more samples.
    """
    from ganzoo.export.manifest import CONDITIONAL_TASK
    from ganzoo.metrics import density_coverage
    from ganzoo.metrics import frechet_distance
    from ganzoo.metrics import kernel_inception_distance
    from ganzoo.metrics import precision_recall
    from ganzoo.networks.fid_inception import RESIZE_MODES
    from ganzoo.networks.fid_inception import FIDInceptionV3
    from ganzoo.networks.fid_inception import fid_inception_input
    from ganzoo.networks.fid_inception import fid_inception_weights_path
    from ganzoo.runtime import OnnxConditionalGenerator
    from ganzoo.runtime import OnnxGenerator

    if resize not in RESIZE_MODES:
        raise ValueError(f"`resize` must be one of {RESIZE_MODES}. Received: {resize!r}")
    start = time.perf_counter()
    export_dir = pathlib.Path(export_dir)
    if write:
        _check_write(export_dir, f"metrics_inception2015_{resize}", num_samples)
    weights_path = fid_inception_weights_path(weights)
    task = read_manifest(export_dir / MANIFEST_FILE_NAME)["task"]
    generator = (
        OnnxConditionalGenerator(export_dir)
        if task == CONDITIONAL_TASK
        else OnnxGenerator(export_dir)
    )
    dataset = generator.manifest["dataset"]
    stages = _Stages(
        progress,
        ["data and samples", "real test features", "sample features", "real train features"],
    )
    stages.next()
    test_images, (train_images, _) = _real_images(dataset, num_samples, seed)
    num_real = len(test_images)
    fake_images, _ = _generate(generator, num_samples, seed)
    fake_images = to_uint8(fake_images)
    network = FIDInceptionV3(
        weights=str(weights_path), resize="pytorch_fid" if resize == "pytorch_fid" else None
    )

    def features(images):
        if images.ndim == 3:
            images = images[..., None]
        chunks = [
            np.asarray(
                network(fid_inception_input(images[i : i + batch_size], resize), training=False)[0]
            )
            for i in range(0, len(images), batch_size)
        ]
        return np.concatenate(chunks).astype(np.float64)

    stages.next()
    real_features = features(test_images)
    tag = f"inception2015_{resize}_" + (
        f"{num_samples // 1000}k" if num_samples % 1000 == 0 else str(num_samples)
    )

    def scores(other):
        kid = kernel_inception_distance(real_features, other, seed=seed)
        fidelity = precision_recall(real_features, other, k=3)
        density = density_coverage(real_features, other, k=5)
        return {
            f"fid_{tag}": float(frechet_distance(real_features, other)),
            f"kid_{tag}": float(kid.mean),
            f"kid_{tag}_std": float(kid.std),
            f"precision_{tag}": fidelity.precision,
            f"recall_{tag}": fidelity.recall,
            f"density_{tag}": density.density,
            f"coverage_{tag}": density.coverage,
        }

    result = {
        "extractor": f"FID Inception 2015-12-05 pool_3 ({weights_path.name}), resize {resize}",
        "resize": resize,
        "num_generated": num_samples,
        "num_real": num_real,
        "real_split": "test",
        "seed": seed,
    }
    stages.next()
    result["generated"] = scores(features(fake_images))
    stages.next()
    result["real_train_vs_test"] = scores(features(train_images))
    result["evaluated"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    stages.close()
    result["seconds"] = round(time.perf_counter() - start, 1)
    if write:
        manifest = read_manifest(export_dir / MANIFEST_FILE_NAME)
        manifest[f"metrics_inception2015_{resize}"] = result
        write_manifest(manifest, export_dir / MANIFEST_FILE_NAME)
    return result


def format_table(result):
    """A Markdown table of `evaluate`'s (or `evaluate_inception`'s) result, next to the floor."""
    accuracy = result.get("classifier_test_accuracy")
    lines = [
        f"Extractor: {result['extractor']}"
        f"{'' if accuracy is None else f', test accuracy {accuracy}'}; "
        f"{result['num_generated']} generated vs "
        f"{result['num_real']} real {result['real_split']} images, seed {result['seed']}.",
        "",
        "| metric | generated | real train vs test (floor) |",
        "|---|---|---|",
    ]
    for key in result["generated"]:
        lines.append(
            f"| {key} | {result['generated'][key]:.4g} | {result['real_train_vs_test'][key]:.4g} |"
        )
    lines.append("")
    lines.append(f"Evaluated in {result['seconds']} s.")
    return "\n".join(lines)
