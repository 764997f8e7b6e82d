"""The library of kept sessions: every session in the sessions folder listed, searched, read, corrected, exported.

Qt-free: the app's Library window and `captioner sessions` both use `Library`.
"""

from captioner.library.editing import EditRefused
from captioner.library.index import Hit, Session
from captioner.library.library import Library, default_index_path
from captioner.library.reading import Line, Reading

__all__ = ["EditRefused", "Hit", "Library", "Line", "Reading", "Session", "default_index_path"]
