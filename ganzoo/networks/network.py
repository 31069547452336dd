"""The base class of the ganzoo networks, and `apply_layers` for their layer stacks."""

import keras


class Network(keras.Model):
    """A functional `keras.Model` that records its constructor arguments.

    The base class of the ganzoo generators, discriminators and classifiers,
    in the manner of keras-hub's `Backbone` (`keras_hub/src/models/backbone.py`).
    A network builds its graph in `__init__` from its constructor arguments,
    then hands the graph's `inputs` and `outputs` to `Network.__init__`
    together with `config`, the arguments that rebuild it. Each entry of
    `config` becomes an attribute of the network (`generator.latent_dim`)
    and, after `"name"` and `"trainable"`, a key of `get_config()`, which
    reads the attributes; `from_config(config)` calls the class with that
    dict. A subclass therefore writes neither method. The functional model's
    own `get_config` describes the layer graph, not the constructor, and its
    `from_config` would return a plain `keras.Model`, hence the override.
    (The two Inception feature extractors stay plain `keras.Model`s: their
    `weights` argument cannot become an attribute, as `keras.Model.weights`
    holds the variables.)

    A subclass is registered with
    `keras.saving.register_keras_serializable(package="ganzoo")` so that
    saved models find it.

    Args:
        inputs: the `keras.Input` tensor of the graph, or a list of them.
        outputs: the output tensor of the graph, or a list of them.
        config: dict from constructor argument name to the value that
            rebuilds the network (ints, floats, bools, strings, tuples,
            None), in the order `get_config()` should list them.
        **kwargs: passed to `keras.Model` (e.g. `name`, `trainable`).

    Raises:
        ValueError: if a `config` key names an attribute `keras.Model`
            already has (e.g. `weights` or `name`).

    Example:

    >>> class TinyNetwork(Network):
    ...     def __init__(self, units=4, **kwargs):
    ...         features = keras.Input(shape=(3,), name="features")
    ...         outputs = keras.layers.Dense(units)(features)
    ...         super().__init__(features, outputs, config={"units": units}, **kwargs)
    >>> network = TinyNetwork(units=2, name="tiny")
    >>> network.units, network.get_config()
    (2, {'name': 'tiny', 'trainable': True, 'units': 2})
    >>> type(TinyNetwork.from_config(network.get_config())).__name__
    'TinyNetwork'
    """

    def __init__(self, inputs, outputs, config, **kwargs):
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        taken = sorted(key for key in config if hasattr(self, key))
        if taken:
            raise ValueError(
                "`config` keys must not name attributes a keras.Model already has. "
                f"Received: {taken}"
            )
        self._config_keys = tuple(config)
        for key, value in config.items():
            setattr(self, key, value)

    def get_config(self):
        # Not chained to `super()`: a functional model's config is its layer
        # graph, which the subclasses' constructors do not take.
        config = {"name": self.name, "trainable": self.trainable}
        config.update({key: getattr(self, key) for key in self._config_keys})
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def apply_layers(x, layers):
    """Applies `layers` one after the other: `layers[-1](...(layers[0](x)))`.

    Args:
        x: a tensor, symbolic while a functional graph is being built.
        layers: iterable of callables on one tensor, e.g. `keras.layers.Layer`s.

    Returns:
        the last layer's output, or `x` itself if `layers` is empty.
    """
    for layer in layers:
        x = layer(x)
    return x
