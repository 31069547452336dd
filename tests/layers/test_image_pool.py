"""ImagePool: the 50-image history of generated images (Shrivastava et al. 2017)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.layers.image_pool import ImagePool

SHAPE = (4, 4, 1)


def numbered_images(start, count):
    """Images whose every pixel is their index, so an output names its source."""
    values = np.arange(start, start + count, dtype=np.float32)
    return np.broadcast_to(values[:, None, None, None], (count, *SHAPE)).copy()


def indices_of(images):
    return np.asarray(images)[:, 0, 0, 0].round().astype(int).tolist()


def test_returns_inputs_and_stores_them_until_full():
    pool = ImagePool(pool_size=5, seed=0)
    outputs = pool(numbered_images(0, 3))
    assert indices_of(outputs) == [0, 1, 2]
    assert int(pool.num_images) == 3
    outputs = pool(numbered_images(3, 2))
    assert indices_of(outputs) == [3, 4]
    assert int(pool.num_images) == 5
    assert sorted(indices_of(pool.images)) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("jit_compile", [False, True], ids=["eager", "xla"])
def test_once_full_swaps_with_probability_half_and_never_grows(jit_compile):
    """Under XLA too: the stored image is read with a run-time gather index."""
    pool = ImagePool(pool_size=50, seed=1)
    call = tf.function(pool.__call__, jit_compile=True) if jit_compile else pool
    call(numbered_images(0, 50))
    swapped = 0
    draws = 0
    for start in range(50, 450, 4):
        batch = numbered_images(start, 4)
        before = set(indices_of(pool.images))
        outputs = indices_of(call(batch))
        after = indices_of(pool.images)
        assert int(pool.num_images) == 50
        assert len(after) == 50 and len(set(after)) == 50
        for position, index in enumerate(outputs):
            draws += 1
            if index != start + position:
                swapped += 1
                # A returned stored image was in the pool before this batch
                # (or was put there earlier in the same batch) and has left it.
                assert index in before or start <= index < start + position
                assert index not in after
        # Every image in the pool is one it was given.
        assert max(after) < start + 4
    assert 0.4 < swapped / draws < 0.6


def test_pool_size_zero_is_the_identity():
    pool = ImagePool(pool_size=0)
    images = numbered_images(7, 3)
    np.testing.assert_array_equal(pool(images), images)


def test_no_gradient_flows_through_the_pool():
    pool = ImagePool(pool_size=2, seed=0)
    images = tf.Variable(numbered_images(0, 2))
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(pool(images))
    assert tape.gradient(total, images) is None


def test_contents_survive_a_checkpoint(tmp_path):
    pool = ImagePool(pool_size=3, seed=0)
    pool(numbered_images(10, 3))
    path = tf.train.Checkpoint(pool=pool).write(str(tmp_path / "pool"))
    restored = ImagePool(pool_size=3, seed=0)
    restored.build((None, *SHAPE))
    tf.train.Checkpoint(pool=restored).read(path).assert_consumed()
    assert indices_of(restored.images) == [10, 11, 12]
    assert int(restored.num_images) == 3


@pytest.mark.parametrize("pool_size", [-1, 2.0, True])
def test_bad_pool_size(pool_size):
    with pytest.raises(ValueError, match="pool_size"):
        ImagePool(pool_size=pool_size)


def test_unknown_image_size_is_refused():
    with pytest.raises(ValueError, match="known height, width and channels"):
        ImagePool(pool_size=2).build((None, None, None, 3))


def test_two_replicas_equal_one_device(mirrored_strategy):
    """One global pool: per-replica outputs concatenate to the single-device output."""
    batches = [numbered_images(start, 4) for start in range(0, 40, 4)]

    reference = ImagePool(pool_size=6, seed=5)
    expected = [indices_of(reference(batch)) for batch in batches]

    with mirrored_strategy.scope():
        pool = ImagePool(pool_size=6, seed=5)
        pool.build((None, *SHAPE))

    @tf.function
    def step(batch):
        return mirrored_strategy.run(pool, args=(batch,))

    for batch, want in zip(batches, expected, strict=True):
        # Replica 0 gets rows 0-1, replica 1 rows 2-3, as `fit` splits a batch.
        distributed = mirrored_strategy.experimental_distribute_values_from_function(
            lambda context, batch=batch: batch[2 * context.replica_id_in_sync_group :][:2]
        )
        outputs = mirrored_strategy.experimental_local_results(step(distributed))
        got = indices_of(np.concatenate([np.asarray(part) for part in outputs]))
        assert got == want
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(pool.images), keras.ops.convert_to_numpy(reference.images)
    )
