"""The one root of captioner's own exceptions.

`CaptionerError` is the root of every error captioner raises on purpose; catch it to catch them all. Each of
the package's exceptions also keeps the built-in base it had (`AudioSourceError` is still a RuntimeError,
`SettingsError` an OSError), so code that catches those goes on catching them. Light on purpose (imports
nothing): every layer imports it.
"""

from __future__ import annotations

__all__ = ["CaptionerError"]


class CaptionerError(Exception):
    """The root of every error captioner raises on purpose; catch it to catch them all."""
