"""Adapters to the exact Keras and TensorFlow versions ganzoo runs on.

`ganzoo.compat.keras_workarounds` holds every private Keras/TF hook the
package uses, each with the upstream issue it works around.
"""
