"""A callback that scores the generator during training and keeps the best one."""

import json
import math
import os

import keras
import numpy as np
import tensorflow as tf

from ganzoo.files import atomic_output
from ganzoo.images import image_grid
from ganzoo.latents import sample_latents
from ganzoo.metrics import class_entropy_bits
from ganzoo.metrics import frechet_distance
from ganzoo.metrics import kernel_inception_distance
from ganzoo.metrics import precision_recall


class GeneratorEvaluation(keras.callbacks.Callback):
    """Every n epochs: KID or FID of fixed-z samples, mode-collapse signals, best weights.

    After every `every_n_epochs`-th epoch it generates `num_samples` images
    from fixed latents, extracts their features, and adds to the epoch's logs
    (so `History`, `CSVLogger`, `TensorBoard` and
    `ModelCheckpoint(monitor="kid")` placed after it in the callback list see
    them):

    - `kid` (Bińkowski et al. 2018) or `fid` (Heusel et al. 2017) against
      `real_features`, lower is better;
    - `class_entropy`: entropy in bits of the histogram of the classes that
      `classifier` assigns to the samples; it falls when the generator drops
      modes (log2(10) = 3.32 for ten equally frequent classes);
    - `mean_pairwise_distance`: mean Euclidean distance between the features of
      the first 256 samples; it falls towards 0 on collapse. The same number
      for the real features is logged once as `real_mean_pairwise_distance`;
    - with `precision_and_recall=True`, `precision` and `recall` (Kynkäänniemi
      et al. 2019, k = 3) of the samples against `real_features`: recall
      falls when modes are dropped, precision when samples leave the data.

    When the score improves, the generator's weights are written to
    `best_weights_path` (atomically) and kept in memory; with
    `restore_best_weights=True` the generator ends training with them, since
    the last epoch is often not the best. With a model that keeps a moving
    average of its generator (`generator_ema_decay`), the samples, and so
    the scored and kept weights, are the averaged generator's; restoring
    puts them in the generator and restarts the average from them. With `log_dir`, the scores and a
    grid of samples go to TensorBoard.

    Numbers from different feature extractors are not comparable: report the
    extractor with every score, e.g. with `score_name="fid_domain"`. Score
    against images the generator never trained on and that are not the
    test split (a validation split such as `"train[50000:]"` when training
    on `"train[:50000]"`): the best epoch is a choice made on these images.

    With `state_path`, the history, best score and best epoch are written
    there (JSON, atomically) after every evaluation, and read back at the
    start of training if the file exists, together with the weights in
    `best_weights_path`: a run resumed after a crash still selects among
    all its epochs. Delete the file to start a fresh run in the same place.

    Args:
        real_features: float array `(n, feature_dim)`: features of real images
            from the same extractor.
        feature_extractor: callable from images `(batch, height, width,
            channels)` in `[-1, 1]` to features `(batch, feature_dim)`, called
            as `feature_extractor(images)`: a `keras.Model` in inference mode
            such as `DomainClassifier(...).features_model`, or the onnxruntime
            classifier `lambda x: OnnxClassifier(...).predict(x)[1]`.
        classifier: optional callable from images to class logits or
            probabilities `(batch, num_classes)`, for `class_entropy`.
        metric: `"kid"` or `"fid"`.
        score_name: optional str, the log key of the score (default:
            `metric`), e.g. `"fid_domain"` to name the extractor.
        every_n_epochs: int >= 1.
        num_samples: int, generated images per evaluation.
        seed: int, seeds the fixed latents and the KID subsets.
        kid_subsets: int, subsets averaged by KID.
        best_weights_path: optional path ending in `.weights.h5`.
        restore_best_weights: bool.
        log_dir: optional TensorBoard log directory.
        precision_and_recall: bool, also log `precision` and `recall`
            (quadratic in the sample counts: about 5 s for 10,000 x 10,000
            128-d features on 2 CPU cores).
        state_path: optional path of the JSON state file; needs
            `best_weights_path`.
        plot_path: optional PNG path: after every evaluation, the score and
            (with `precision_and_recall`) precision and recall against the
            epoch, the best epoch marked (matplotlib, written atomically).

    Attributes:
        best_score: the best score so far (`inf` before the first).
        best_epoch: its 1-based epoch, or None.
        history: list of dicts with `epoch` and the logged values.

    Raises:
        ValueError: for an unknown `metric`, a non-positive `every_n_epochs` or
            `num_samples`, real features that are not 2-D, a
            `best_weights_path` not ending in `.weights.h5`, or a
            `state_path` without `best_weights_path`.
    """

    def __init__(
        self,
        real_features,
        feature_extractor,
        classifier=None,
        metric="kid",
        score_name=None,
        every_n_epochs=1,
        num_samples=1000,
        seed=0,
        kid_subsets=20,
        best_weights_path=None,
        restore_best_weights=False,
        log_dir=None,
        precision_and_recall=False,
        state_path=None,
        plot_path=None,
    ):
        super().__init__()
        if metric not in ("kid", "fid"):
            raise ValueError(f"`metric` must be 'kid' or 'fid'. Received: {metric!r}")
        for name, value in (("every_n_epochs", every_n_epochs), ("num_samples", num_samples)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"`{name}` must be a positive int. Received: {value!r}")
        real_features = np.asarray(real_features, dtype=np.float64)
        if real_features.ndim != 2:
            raise ValueError(
                "`real_features` must have shape (n, feature_dim). "
                f"Received shape {real_features.shape}."
            )
        if best_weights_path is not None and not str(best_weights_path).endswith(".weights.h5"):
            raise ValueError(
                f"`best_weights_path` must end in '.weights.h5'. Received: {best_weights_path!r}"
            )
        if state_path is not None and best_weights_path is None:
            raise ValueError(
                "`state_path` needs `best_weights_path` (the best weights are resumed "
                f"from there). Received state_path={state_path!r}, best_weights_path=None."
            )
        self.real_features = real_features
        self.feature_extractor = feature_extractor
        self.classifier = classifier
        self.metric = metric
        self.score_name = score_name or metric
        self.every_n_epochs = every_n_epochs
        self.num_samples = num_samples
        self.seed = seed
        self.kid_subsets = kid_subsets
        self.best_weights_path = best_weights_path
        self.restore_best_weights = restore_best_weights
        self.log_dir = log_dir
        self.state_path = state_path
        self.precision_and_recall = precision_and_recall
        self.plot_path = plot_path
        self.best_score = math.inf
        self.best_epoch = None
        self.history = []
        self._best_weights = None
        self._writer = None
        self._real_spread = _mean_pairwise_distance(real_features[:256])

    def on_train_begin(self, logs=None):
        self._z = sample_latents(self.num_samples, self.model.latent_dim, seed=self.seed)
        if self.state_path is not None and os.path.exists(self.state_path):
            self._restore_state()
        if self.log_dir is not None and self._writer is None:
            self._writer = tf.summary.create_file_writer(os.fspath(self.log_dir))

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        images = self.model.generate(z=self._z)
        features = _in_batches(self.feature_extractor, images)
        if self.metric == "kid":
            score = kernel_inception_distance(
                self.real_features,
                features,
                num_subsets=self.kid_subsets,
                subset_size=min(1000, len(features), len(self.real_features)),
                seed=self.seed,
            ).mean
        else:
            score = frechet_distance(self.real_features, features)
        values = {
            self.score_name: float(score),
            "mean_pairwise_distance": _mean_pairwise_distance(features[:256]),
            "real_mean_pairwise_distance": self._real_spread,
        }
        if self.precision_and_recall:
            result = precision_recall(self.real_features, features, k=3)
            values["precision"], values["recall"] = result.precision, result.recall
        if self.classifier is not None:
            predictions = _in_batches(self.classifier, images)
            values["class_entropy"] = class_entropy_bits(predictions)
        if logs is not None:
            logs.update(values)
        self.history.append({"epoch": epoch + 1, **values})
        if score < self.best_score:
            self.best_score, self.best_epoch = float(score), epoch + 1
            generator = getattr(self.model, "sampling_generator", self.model.generator)
            self._best_weights = [np.array(w) for w in generator.get_weights()]
            if self.best_weights_path is not None:
                with atomic_output(self.best_weights_path) as temp_path:
                    # Keras requires the `.weights.h5` suffix on the file it writes.
                    temp_weights = temp_path + ".weights.h5"
                    generator.save_weights(temp_weights)
                    os.replace(temp_weights, temp_path)
        if self.state_path is not None:
            self._save_state()
        if self.plot_path is not None:
            self._plot()
        if self._writer is not None:
            with self._writer.as_default(step=epoch + 1):
                for key, value in values.items():
                    tf.summary.scalar(f"evaluation/{key}", value)
                grid = image_grid(images[:64])
                tf.summary.image("evaluation/samples", grid[None], max_outputs=1)
            self._writer.flush()

    def _plot(self):
        plot_evaluation(
            self.history,
            self.plot_path,
            score_name=self.score_name,
            best_epoch=self.best_epoch,
            num_samples=self.num_samples,
        )

    def _save_state(self):
        state = {
            "score_name": self.score_name,
            "best_score": self.best_score,
            "best_epoch": self.best_epoch,
            "history": self.history,
        }
        with atomic_output(self.state_path) as temp_path:
            with open(temp_path, "w") as file:
                json.dump(state, file, indent=2)

    def _restore_state(self):
        with open(self.state_path) as file:
            state = json.load(file)
        self.best_score, self.best_epoch = state["best_score"], state["best_epoch"]
        self.history = state["history"]
        if self.best_epoch is not None:
            # Into a copy: the live generator goes on from the resumed backup.
            generator = self.model.generator
            copy = generator.__class__.from_config(generator.get_config())
            copy.load_weights(self.best_weights_path)
            self._best_weights = [np.array(w) for w in copy.get_weights()]

    def on_train_end(self, logs=None):
        if self.restore_best_weights:
            self.restore_best()

    def restore_best(self):
        """Puts the best generator so far into the model (and restarts its average).

        Called at the end of `fit` with `restore_best_weights=True`; call it
        yourself after the last of several `fit` calls (a resumed run) with
        `restore_best_weights=False`. Does nothing before the first score.
        """
        if self._best_weights is not None:
            self.model.generator.set_weights(self._best_weights)
            average = getattr(self.model, "generator_ema", None)
            if average is not None:
                average.reset(self.model.generator.trainable_variables)


def _in_batches(function, images, batch_size=256):
    outputs = [
        keras.ops.convert_to_numpy(function(images[start : start + batch_size]))
        for start in range(0, len(images), batch_size)
    ]
    return np.concatenate(outputs).astype(np.float64)


def _mean_pairwise_distance(features):
    """Mean Euclidean distance over distinct pairs of rows."""
    features = np.asarray(features, dtype=np.float64)
    squared = np.sum(features**2, axis=1)
    distances = np.sqrt(
        np.maximum(squared[:, None] + squared[None, :] - 2.0 * features @ features.T, 0.0)
    )
    count = len(features)
    return float(distances.sum() / (count * (count - 1))) if count > 1 else 0.0


def plot_evaluation(history, path, *, score_name, best_epoch=None, num_samples=None):
    """Plots a `GeneratorEvaluation` history: the score, precision and recall per epoch.

    The same figure the callback writes with `plot_path`, also drawn from a
    finished run's state file (`json.load(...)["history"]`).

    Args:
        history: non-empty list of dicts with `epoch`, `score_name` and,
            optionally, `precision` and `recall`.
        path: PNG file to write (atomically).
        score_name: str, the key of the score (log scale, left panel).
        best_epoch: optional int, marked with a dashed line.
        num_samples: optional int, the samples per evaluation (axis label).

    Raises:
        ValueError: if `history` is empty or an entry lacks `score_name`.
    """
    if not history or any(score_name not in entry for entry in history):
        raise ValueError(
            f"`history` must be a non-empty list of dicts with {score_name!r}. "
            f"Received {len(history)} entries."
        )
    # Imported here, with the Agg backend, as in `LossCurves`.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [entry["epoch"] for entry in history]
    with_recall = all("recall" in entry and "precision" in entry for entry in history)
    figure, axes = plt.subplots(
        1,
        2 if with_recall else 1,
        figsize=(10 if with_recall else 5, 3.6),
        squeeze=False,
        constrained_layout=True,
    )
    score_axis = axes[0, 0]
    score_axis.plot(epochs, [entry[score_name] for entry in history], marker=".")
    score_axis.set_yscale("log")
    score_axis.set_ylabel(score_name)
    panels = [score_axis]
    if with_recall:
        for key in ("precision", "recall"):
            axes[0, 1].plot(epochs, [entry[key] for entry in history], marker=".", label=key)
        axes[0, 1].set_ylim(0.0, 1.0)
        axes[0, 1].legend()
        panels.append(axes[0, 1])
    samples = f"{num_samples} samples each; " if num_samples else ""
    for axis in panels:
        if best_epoch is not None:
            axis.axvline(best_epoch, color="gray", linestyle="--", linewidth=1)
        axis.set_xlabel(f"epoch ({samples}dashed: best)")
        axis.grid(alpha=0.3)
    try:
        with atomic_output(path) as temp_path:
            figure.savefig(temp_path, dpi=100, format="png")
    finally:
        plt.close(figure)
