"""Offline work: a recording decoded whole, after a session (`refine`) or from any file (`decode_whole`).

`speech_spans` finds the speech and the windows it is decoded in; `cleanup` keeps what the live engine's rules keep
of the words; `merge` puts a meeting's channels in spoken order; `speakers_whole` tells speakers apart with the whole
recording in hand; `session_files` finds a session's files and writes the refined ones safely.
"""

__all__ = ["cleanup", "decode_whole", "merge", "refine", "session_files", "speakers_whole", "speech_spans", "vote"]
