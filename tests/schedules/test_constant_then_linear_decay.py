"""CycleGAN's learning-rate schedule: constant for half, then linear to zero."""

import keras
import numpy as np
import pytest

from ganzoo.schedules import ConstantThenLinearDecay


def test_values_at_start_midpoint_and_end():
    schedule = ConstantThenLinearDecay(2e-4, decay_start_step=1000, decay_steps=1000)
    values = {step: float(schedule(step)) for step in (0, 999, 1000, 1250, 1500, 2000, 5000)}
    assert values[0] == pytest.approx(2e-4)
    assert values[999] == pytest.approx(2e-4)
    assert values[1000] == pytest.approx(2e-4)
    assert values[1250] == pytest.approx(1.5e-4)
    assert values[1500] == pytest.approx(1e-4)
    assert values[2000] == 0.0
    assert values[5000] == 0.0


def test_drives_an_optimizer_and_resumes_from_its_iterations():
    schedule = ConstantThenLinearDecay(1.0, decay_start_step=2, decay_steps=4)
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    variable = keras.Variable(0.0)
    optimizer.build([variable])
    seen = []
    for _ in range(7):
        seen.append(float(optimizer.learning_rate))
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(1.0), variable)])
    np.testing.assert_allclose(seen, [1.0, 1.0, 1.0, 0.75, 0.5, 0.25, 0.0])
    # Plain SGD: the variable moved by the sum of the rates used.
    assert float(variable) == pytest.approx(-sum(seen))


def test_config_round_trip():
    schedule = ConstantThenLinearDecay(3e-4, decay_start_step=10, decay_steps=20)
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(schedule))
    assert isinstance(restored, ConstantThenLinearDecay)
    assert [float(restored(step)) for step in (0, 20, 30)] == [
        float(schedule(step)) for step in (0, 20, 30)
    ]


@pytest.mark.parametrize(
    "arguments",
    [
        {"initial_learning_rate": 0.0, "decay_start_step": 1, "decay_steps": 1},
        {"initial_learning_rate": 1e-3, "decay_start_step": -1, "decay_steps": 1},
        {"initial_learning_rate": 1e-3, "decay_start_step": 1, "decay_steps": 0},
        {"initial_learning_rate": 1e-3, "decay_start_step": 1.5, "decay_steps": 1},
    ],
)
def test_bad_arguments(arguments):
    with pytest.raises(ValueError):
        ConstantThenLinearDecay(**arguments)


def test_over_epochs_keeps_the_rate_then_reaches_zero_at_the_last_step():
    # 4 epochs of 10 steps, the last 3 decaying: constant to step 10, 0 at 40.
    schedule = ConstantThenLinearDecay.over_epochs(
        2e-4, epochs=4, decay_epochs=3, steps_per_epoch=10
    )
    expected = [2e-4 * min(1.0, max(0.0, 1 - (step - 10) / 30)) for step in (0, 10, 25, 40, 50)]
    np.testing.assert_allclose(
        [float(schedule(step)) for step in (0, 10, 25, 40, 50)], expected, rtol=1e-6
    )
    constant = ConstantThenLinearDecay.over_epochs(
        2e-4, epochs=4, decay_epochs=0, steps_per_epoch=10
    )
    assert float(constant(40)) == pytest.approx(2e-4)
    with pytest.raises(ValueError, match=r"decay_epochs.*\[0, epochs=4\]"):
        ConstantThenLinearDecay.over_epochs(2e-4, epochs=4, decay_epochs=5, steps_per_epoch=10)
