"""How well an unpaired translator works: domain-classifier success and cycle L1."""

import numpy as np


def translation_scores(translate_x_to_y, translate_y_to_x, images_x, images_y, classify):
    """Scores both directions of a translator with a two-domain classifier.

    A translation succeeds when a classifier trained on the two real domains
    assigns `G(x)` to Y (and `F(y)` to X), the "does it look like the other
    domain" test Zhu et al. run with FCN scores and AMT studies (Sec. 5.1),
    here with a domain classifier; the cycle L1 says how much of the input
    survives the round trip (their Eq. 2). The classifier's accuracy on the
    real images is reported beside, as the ceiling of the success rates.

    Args:
        translate_x_to_y: callable, float32 images `(n, height, width,
            channels)` in `[-1, 1]` to images of the same shape (G), e.g.
            `OnnxImageTranslator(...).translate` or a Keras generator's
            `predict`.
        translate_y_to_x: callable, likewise (F).
        images_x: float32 array `(n, height, width, channels)` in `[-1, 1]`,
            real test images of X.
        images_y: float32 array `(m, height, width, channels)`, real test
            images of Y.
        classify: callable, images to class probabilities `(n, 2)`, class 0
            being X and class 1 being Y.

    Returns:
        dict of floats: `x_to_y_success` and `y_to_x_success` (shares in
        `[0, 1]`), `x_cycle_l1` and `y_cycle_l1` (mean absolute difference
        over pixels, in `[0, 2]`), `real_x_accuracy` and `real_y_accuracy`
        (the classifier on the real images), and the counts `num_x`, `num_y`.

    Raises:
        ValueError: if an image batch is empty or not rank 4, or a callable
            returns the wrong shape.

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017, Eq. 2 and Sec. 5.1.
    """
    scores = {}
    for source, images, forward, backward, target in (
        ("x", images_x, translate_x_to_y, translate_y_to_x, 1),
        ("y", images_y, translate_y_to_x, translate_x_to_y, 0),
    ):
        images = np.asarray(images, dtype=np.float32)
        if images.ndim != 4 or len(images) == 0:
            raise ValueError(
                f"`images_{source}` must be a non-empty batch (n, height, width, channels). "
                f"Received shape {images.shape}."
            )
        translated = _checked(forward(images), images.shape, "translation")
        reconstructed = _checked(backward(translated), images.shape, "reconstruction")
        real_classes = _classes(classify(images), len(images))
        translated_classes = _classes(classify(translated), len(images))
        other = "y" if source == "x" else "x"
        scores[f"{source}_to_{other}_success"] = float(np.mean(translated_classes == target))
        scores[f"{source}_cycle_l1"] = float(np.mean(np.abs(reconstructed - images)))
        scores[f"real_{source}_accuracy"] = float(np.mean(real_classes == 1 - target))
        scores[f"num_{source}"] = len(images)
    return scores


def _checked(images, shape, what):
    images = np.asarray(images, dtype=np.float32)
    if images.shape != shape:
        raise ValueError(f"The {what} has shape {images.shape}; expected {shape}.")
    return images


def _classes(probabilities, count):
    probabilities = np.asarray(probabilities)
    if probabilities.shape != (count, 2):
        raise ValueError(
            f"`classify` must return probabilities of shape ({count}, 2) for two domains. "
            f"Received shape {probabilities.shape}."
        )
    return np.argmax(probabilities, axis=-1)
