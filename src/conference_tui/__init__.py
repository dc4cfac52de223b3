"""conference-tui: writing conferences along the feedback spiral, in a terminal."""

__version__ = "0.1.0"
APP_NAME = "conference-tui"
# No import here: the command's first import is this package, and until launch.py has
# taken the terminal out of line mode, keys typed are read in it (see launch.py).
