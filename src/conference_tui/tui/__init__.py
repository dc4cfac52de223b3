"""The terminal app: its screens, widgets and the keys' way to them."""

import logging

# Library habit: log records go nowhere until the app opens its log file, and never to
# stderr, which would write over the screen. Only the app's modules log, all under here.
logging.getLogger("conference_tui").addHandler(logging.NullHandler())
