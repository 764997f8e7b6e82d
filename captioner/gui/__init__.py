"""The desktop app: a thin Qt shell over the engine."""
