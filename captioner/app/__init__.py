"""The app's use cases, free of Qt: what the terminal and the desktop app both run, reporting through callbacks."""

__all__ = ["autosave", "inputs", "live", "merge", "model", "pace_hint", "refine", "stats", "transcribe"]
