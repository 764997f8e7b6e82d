"""The app's use cases, free of Qt: what the terminal and the desktop app both run, reporting through callbacks."""

__all__ = ["autosave", "live", "merge", "pace_hint"]
