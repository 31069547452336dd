"""Adapters to the exact Keras and TensorFlow versions ganzoo runs on, and old import paths.

`ganzoo.compat.keras_workarounds` holds every private Keras/TF hook the
package uses, each with the upstream issue it works around;
`ganzoo.compat.moved_module.redirect` keeps a moved module's old path for
one release.
"""
