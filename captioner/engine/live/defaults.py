"""What a live session does unless a user chooses otherwise, and the bounds of those choices.

Named here, free of numpy and webrtcvad, so that the app's settings and the terminal's options (`captioner.config`)
read them without loading the engine; the engine's own configs take their defaults from here.
"""

# how strictly the voice detector takes sound for speech (webrtcvad's aggressiveness): the least strict keeps the most
# sound (quiet, far-off voices), the most strict the least (a noisy room)
LEAST_STRICT = 0
MOST_STRICT = 3
STRICTNESS = 2

INTERIMS = True  # words shown as they are heard, before each sentence's final text
