"""How models are trained: precision, distribution, optimizers and the recipes' machinery.

- `precision.py`: the `--dtype-policy` choice (`auto_dtype_policy`,
  `global_dtype_policy`).
- `distribution.py`: the `--distribution` strategies and each replica's rows
  of a global draw (`this_replica_rows`, `draw_for_replica`); the layers,
  losses and augmentations import only this module of the package.
- `optimizers.py`: the two time-scale update rule's optimizer pair.
- `recipe_config.py`: `RecipeConfig`, presets and command-line flags.
- `gan_recipe.py`: `GANRecipeConfig`, `build_gan`, `load_gan_dataset`, what the GAN and
  conditional GAN recipes share.
- `recipe_training.py`: `fit_with_artifacts`, `train_and_export`, the checks
  before export and the validation-set selection of the recipes.
- `recipe_files.py`: the recipes by name (`load_recipe`).

Importing the package imports none of its modules.
"""
