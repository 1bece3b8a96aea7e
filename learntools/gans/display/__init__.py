"""Pictures (the map: module, what it holds, which lesson teaches it).

- plots.py:   image grids, loss curves, toy scatter plots, translation rows (lessons 03 to 10);
              re-exported here: `from learntools.gans.display import show_images`
- widgets.py: interactive views: the convolution stepper (lesson 02) and the digit picker (lesson 08);
              imported on demand (`from learntools.gans.display.widgets import conv_stepper`), so that
              scripts and the command line never load ipywidgets
"""

from learntools.gans.display.plots import *  # noqa: F401,F403
