"""Letting go of what a removed widget watched.

Textual forgets a removed widget's watch of another object's reactive (the app's theme,
its title) only when that reactive next changes. Until then the widget, and all it holds,
stays in memory: the note fields of every conference held, the header of every screen
opened. The widgets that watch the app call `stop_watching` as they unmount.
"""

from __future__ import annotations

from textual.dom import DOMNode


def stop_watching(node: DOMNode, watched: DOMNode) -> None:
    """Drop every watch `node` keeps on `watched`'s reactives (Textual keeps them, by
    attribute, in a private list of (watcher, callback); the version is pinned)."""
    watchers: dict[str, list[tuple[object, object]]] = getattr(watched, "__watchers", {})
    for name, watching in watchers.items():
        watchers[name] = [
            (watcher, callback) for watcher, callback in watching if watcher is not node
        ]
