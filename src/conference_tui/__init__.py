"""conference-tui: writing conferences along the feedback spiral, in a terminal."""

import logging

__version__ = "0.1.0"
APP_NAME = "conference-tui"

# Library habit: log records go nowhere until the app opens its log file, and never
# to stderr, which would write over the terminal UI.
logging.getLogger(__name__).addHandler(logging.NullHandler())
