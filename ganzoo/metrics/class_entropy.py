"""The entropy of the classes a classifier sees in generated samples, in NumPy."""

import numpy as np


def class_entropy_bits(probabilities):
    """Entropy, in bits, of the histogram of predicted classes.

    A generator that covers every class of a balanced K-class dataset scores
    about `log2(K)` (3.32 for Fashion-MNIST's ten); one that dropped modes
    (Goodfellow 2016, Sec. 5.1.1) scores less, down to 0 for a single class.
    The classes are the argmax of each row, as in the mode counts of
    Srivastava et al. 2017 (VEEGAN) and Lin et al. 2018 (PacGAN).

    Args:
        probabilities: float array `(num_samples, num_classes)` of a
            classifier's class probabilities (or logits: only the argmax is
            used), `num_samples >= 1`.

    Returns:
        float in `[0, log2(num_classes)]`.

    Raises:
        ValueError: if `probabilities` is not 2-D with at least one row.
    """
    probabilities = np.asarray(probabilities)
    if probabilities.ndim != 2 or probabilities.shape[0] < 1 or probabilities.shape[1] < 1:
        raise ValueError(
            "`probabilities` must have shape (num_samples >= 1, num_classes >= 1). "
            f"Received shape {probabilities.shape}."
        )
    counts = np.bincount(probabilities.argmax(axis=1), minlength=probabilities.shape[1])
    shares = counts[counts > 0] / counts.sum()
    # `+ 0.0` turns the -0.0 of a single class into 0.0.
    return float(-(shares * np.log2(shares)).sum()) + 0.0
