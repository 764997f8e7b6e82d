"""The live engine: audio in as it is heard, captions out within a second.

`open` opens a session (`open_session`: the one way the command line and the app take); `session` and `meeting` run
one (a source, or a meeting's channels in `spoken_order`, `echo` keeping the speakers out of the microphone) on a
worker thread; `pipeline` is the engine's state: `segmenter` cuts speech into segments, `pacing` says how often
interim passes run, `endpoint` and `stabilizer` what of an interim is settled, `revision` which finals are decoded
again together; `transcriber` is the pass policy over a recognizer (`captioner.engine.models.recognizer`);
`speakers` labels each final by voice; `replay` runs the engine over recorded audio on a simulated clock.
"""
