"""conference-tui: writing conferences along the feedback spiral, in a terminal."""

__version__ = "0.1.0"
APP_NAME = "conference-tui"
