"""Loss functions for adversarial training (pure functions of logits and features)."""

from ganzoo.losses.adversarial import get_discriminator_loss
from ganzoo.losses.adversarial import get_generator_loss
from ganzoo.losses.adversarial import hinge_discriminator_loss
from ganzoo.losses.adversarial import hinge_generator_loss
from ganzoo.losses.adversarial import least_squares_discriminator_loss
from ganzoo.losses.adversarial import least_squares_generator_loss
from ganzoo.losses.adversarial import minimax_discriminator_loss
from ganzoo.losses.adversarial import minimax_generator_loss
from ganzoo.losses.adversarial import non_saturating_discriminator_loss
from ganzoo.losses.adversarial import non_saturating_generator_loss
from ganzoo.losses.adversarial import smoothed_minimax_discriminator_loss
from ganzoo.losses.adversarial import wasserstein_discriminator_loss
from ganzoo.losses.adversarial import wasserstein_generator_loss
from ganzoo.losses.penalties import dragan_penalty
from ganzoo.losses.penalties import gradient_penalty
from ganzoo.losses.penalties import lazy_regularization_weight
from ganzoo.losses.penalties import r1_penalty
from ganzoo.losses.reconstruction import cycle_consistency_loss
from ganzoo.losses.reconstruction import identity_loss
from ganzoo.losses.reconstruction import least_squares_cycle_gan_generator_loss
from ganzoo.losses.semi_supervised import feature_distance
from ganzoo.losses.semi_supervised import feature_matching_loss
from ganzoo.losses.semi_supervised import real_fake_logit

__all__ = [
    "cycle_consistency_loss",
    "dragan_penalty",
    "feature_distance",
    "feature_matching_loss",
    "get_discriminator_loss",
    "get_generator_loss",
    "gradient_penalty",
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "identity_loss",
    "lazy_regularization_weight",
    "least_squares_cycle_gan_generator_loss",
    "least_squares_discriminator_loss",
    "least_squares_generator_loss",
    "minimax_discriminator_loss",
    "minimax_generator_loss",
    "non_saturating_discriminator_loss",
    "non_saturating_generator_loss",
    "r1_penalty",
    "real_fake_logit",
    "smoothed_minimax_discriminator_loss",
    "wasserstein_discriminator_loss",
    "wasserstein_generator_loss",
]
