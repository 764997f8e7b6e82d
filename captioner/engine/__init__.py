"""The captioning engine, free of Qt: audio in, caption events out.

- `live`: a live session and the engine it runs (`live.open.open_session`, `live.pipeline.CaptionEngine`, the pass
  policy `live.transcriber.Transcriber`)
- `models`: which models there are, fetching and loading one (`models.fetch.load_transcriber`), and what a speech
  recognizer must do (`models.recognizer.Recognizer`; faster-whisper's: `models.whisper`)
- `offline`: a recording decoded whole: the refine after a session (`offline.refine.refine_session`) and `transcribe`
  (`offline.decode_whole.transcribe_audio`)
- `filters` and `checks`: the rules, shared by live and offline work, for text that was not said and passes that
  look wrong; `vocabulary`: the user's names and terms

Importing a package loads none of the ML stack: the settings read `models.catalogue` before any model is loaded.
"""

__all__ = ["checks", "filters", "live", "models", "offline", "vocabulary"]
