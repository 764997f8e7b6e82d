"""captioner: live captions on screen, saved as subtitles."""

__version__ = "0.1.0"

__all__ = ["__version__"]
