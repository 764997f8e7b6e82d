"""Audio in and out of a session: where it comes from, and the recording kept on disk.

`sources` says what every source is (`AudioSource`) and reads files; `microphone` captures an input device through
PortAudio; `devices` lists the inputs and opens one by its id; `loopback` and `outputs` capture what the computer
plays (out of the app's process: `child_source` runs `capture_child`, which records through `soundcard_capture`);
`buffer` holds samples by their place on the audio clock; `recorder` writes a session's audio beside its transcript.
"""

__all__ = [
    "buffer",
    "capture_child",
    "child_source",
    "devices",
    "loopback",
    "microphone",
    "outputs",
    "recorder",
    "soundcard_capture",
    "sources",
]
