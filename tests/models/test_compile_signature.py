import inspect

import keras
import pytest

from ganzoo.models import GAN
from ganzoo.models import ConditionalGAN
from ganzoo.models import CycleGAN
from ganzoo.models import SemiSupervisedGAN
from ganzoo.models.adversarial_model import AdversarialModel
from ganzoo.models.two_player_model import TwoPlayerModel


@pytest.mark.parametrize(
    "model_class", [TwoPlayerModel, AdversarialModel, SemiSupervisedGAN, CycleGAN]
)
def test_compile_takes_d_then_g_optimizer_by_keyword_only(model_class):
    parameters = list(inspect.signature(model_class.compile).parameters.values())[1:3]
    assert [p.name for p in parameters] == ["d_optimizer", "g_optimizer"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)


def test_positional_optimizers_are_refused_by_every_model():
    # CycleGAN once took (g_optimizer, d_optimizer): a positional call would
    # now swap them silently, so it fails instead.
    from tests.models.multi_worker_training import build

    for name in ("gan", "conditional_gan", "semi_supervised_gan", "cycle_gan"):
        model = build(name)
        assert isinstance(model, (GAN, ConditionalGAN, SemiSupervisedGAN, CycleGAN))
        with pytest.raises(TypeError):
            model.compile(keras.optimizers.Adam(), keras.optimizers.Adam())
