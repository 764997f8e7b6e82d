"""Audio the tests make themselves (synthetic voiced sound, espeak-ng speech), and the word error rate they score what was heard by."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import jiwer
import numpy as np
from whisper_normalizer.english import EnglishTextNormalizer

from captioner.events import SAMPLE_RATE

SR = SAMPLE_RATE
FRAME = 480  # 30 ms
normalise = EnglishTextNormalizer()


def wer(ref: str, hyp: str) -> float:
    """Word error rate after Whisper's English normaliser on both sides."""
    return jiwer.wer(normalise(ref), normalise(hyp))


def vowel(seconds: float, f0: float = 130.0, amplitude: float = 0.3) -> np.ndarray:
    """A sustained vowel: a glottal pulse train through three formant resonators."""
    n = int(round(seconds * SR))
    t = np.arange(n) / SR
    phase = np.cumsum(2 * np.pi * f0 * (1 + 0.03 * np.sin(2 * np.pi * 5 * t)) / SR)
    pulses = (np.sin(phase) > 0.95).astype(np.float64) - 0.05
    tt = np.arange(int(0.03 * SR)) / SR
    response = sum(np.exp(-np.pi * bw * tt) * np.sin(2 * np.pi * f * tt) for f, bw in ((700, 130), (1220, 70), (2600, 160)))
    y = np.convolve(pulses, response)[:n]
    return (y / np.max(np.abs(y)) * amplitude).astype(np.float32)


def quiet(seconds: float, seed: int = 0, level: float = 3e-4) -> np.ndarray:
    """Near-silence: faint white noise, as a real room gives."""
    return (np.random.default_rng(seed).standard_normal(int(round(seconds * SR))) * level).astype(np.float32)


# three sentences the offline decoding's tests place on a recording's clock (tests/engine: the `speech` fixture)
FIRST = "Our team finished the quarterly report and the budget looks good."
SECOND = "The new office has a large kitchen and a quiet room for calls."
THIRD = "Please send the meeting notes to everyone before Friday afternoon."


def place(length_s: float, parts: list[tuple[float, np.ndarray]]) -> np.ndarray:
    audio = quiet(length_s)
    for at, speech in parts:
        start = round(at * SAMPLE_RATE)
        audio[start : start + len(speech)] += speech
    return audio


def layout(parts: list[tuple[float, bool]]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Audio from (seconds, voiced) parts, and the true voiced spans in samples."""
    chunks, truth, pos = [], [], 0
    for i, (seconds, voiced) in enumerate(parts):
        chunk = vowel(seconds) if voiced else quiet(seconds, seed=i)
        if voiced:
            truth.append((pos, pos + len(chunk)))
        chunks.append(chunk)
        pos += len(chunk)
    return np.concatenate(chunks), truth


def write_wav(path: Path, audio: np.ndarray, rate: int = SR, channels: int = 1) -> Path:
    data = np.clip(audio, -1, 1)
    if channels == 2 and data.ndim == 1:
        data = np.stack([data, data], axis=1)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((data * 32767).astype("<i2").tobytes())
    return path


def speak(text: str, path: Path, *, lead_s: float = 0.5, trail_s: float = 1.0, rate: int = SR, voice: str = "en-us",
          words_per_minute: int = 150) -> Path:
    """Speak `text` with espeak-ng into a WAV (silence before and after), at `rate` Hz."""
    if shutil.which("espeak-ng") is None:
        raise RuntimeError("espeak-ng is missing: apt-get install espeak-ng")
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(raw), text], check=True)
    with wave.open(str(raw), "rb") as w:
        native = w.getframerate()
        speech = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
    raw.unlink()
    if native != rate:
        import soxr

        speech = soxr.resample(speech, native, rate)
    pad = lambda s: np.zeros(int(s * rate), dtype=np.float32)  # noqa: E731
    return write_wav(path, np.concatenate([pad(lead_s), speech, pad(trail_s)]), rate)


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
        return data.reshape(-1, w.getnchannels()).mean(axis=1)


def repeated_runs_of(text: str, n: int = 5) -> set[tuple[str, ...]]:
    """The runs of `n` words (normalised) that occur more than once in `text`."""
    words = normalise(text).split()
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    return {g for g in grams if grams.count(g) > 1}


# Two espeak-ng voices the voice encoder tells apart (a male and a female variant), and sentences for them.
TWO_VOICES = ("en-us", "en-us+f3")
VOICE_SENTENCES = (
    "Our team finished the quarterly report and the budget looks good.",
    "The weather tomorrow will be cold with a little rain in the morning.",
    "Please send me the slides before the meeting starts on Monday.",
    "I think we should move the launch to the second week of March.",
)


def conversation(path: Path, turns: list[tuple[str, str]], *, gap_s: float | list[float] = 1.5) -> tuple[Path, list[tuple[str, int, int]]]:
    """People taking turns: each (espeak voice, text) spoken in order, `gap_s` of near-silence after each turn (one for
    all, or one per turn), into a WAV at `path`; and each turn's (voice, start, end) in samples."""
    gaps = gap_s if isinstance(gap_s, list) else [gap_s] * len(turns)
    pieces, spans, at = [quiet(0.5, seed=1)], [], int(0.5 * SR)
    for i, ((voice, text), gap) in enumerate(zip(turns, gaps, strict=True)):
        clip = read_wav(speak(text, path.with_name(f"{path.stem}-{i}.wav"), lead_s=0.0, trail_s=0.0, voice=voice))
        spans.append((voice, at, at + len(clip)))
        pieces += [clip, quiet(gap, seed=i + 2)]
        at += len(clip) + int(round(gap * SR))
    return write_wav(path, np.concatenate(pieces)), spans


def turns_of(labels: list[str]) -> list[str]:
    """Who spoke, turn by turn: consecutive lines of one speaker are one turn (a turn may come out as two captions)."""
    return [label for n, label in enumerate(labels) if n == 0 or label != labels[n - 1]]


def write_mp3(path: Path, audio: np.ndarray, rate: int, channels: int) -> Path:
    """Encode mono 16 kHz `audio` as an MP3 at `rate` Hz with `channels`, with PyAV's own ffmpeg (LAME)."""
    import av
    import soxr

    samples = soxr.resample(audio, SR, rate).astype(np.float32)
    planes = np.ascontiguousarray(np.tile(samples, (channels, 1)))
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mp3", rate=rate, layout="stereo" if channels == 2 else "mono")
        frame = av.AudioFrame.from_ndarray(planes, format="fltp", layout=stream.layout.name)
        frame.sample_rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return path


def write_video(path: Path, audio: np.ndarray) -> Path:
    """An MP4 with a small H.264 picture and the speech as AAC at 48 kHz, with PyAV's own ffmpeg."""
    import av
    import soxr

    samples = soxr.resample(audio, SR, 48000).astype(np.float32)
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264" if "libx264" in av.codecs_available else "mpeg4", rate=10)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        sound = container.add_stream("aac", rate=48000, layout="mono")
        for n in range(int(len(audio) / SR * 10)):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), n % 255, np.uint8), format="rgb24")
            frame.pts = n
            container.mux(video.encode(frame))
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="fltp", layout="mono")
        frame.sample_rate = 48000
        container.mux([*sound.encode(frame), *sound.encode(None), *video.encode(None)])
    return path
# Mandarin for espeak-ng's pinyin voice: "我们今天去公园散步。天气很好，阳光明媚。你想一起去吗？我觉得这是一个好主意。"
CHINESE_PINYIN = ("wo3 men5 jin1 tian1 qu4 gong1 yuan2 san4 bu4. tian1 qi4 hen3 hao3, yang2 guang1 ming2 mei4. "
                  "ni3 xiang3 yi4 qi3 qu4 ma5? wo3 jue2 de5 zhe4 shi4 yi2 ge4 hao3 zhu3 yi4.")
CHINESE_VOICE = "cmn-latn-pinyin+f2"  # the multilingual base takes this voice, at 120 words a minute, for Chinese
# Japanese in kana for espeak-ng's Japanese voice ("今日はいい天気ですね。私は毎日学校に行きます。明日友達と公園に行きましょう。"),
# which the multilingual base takes for Japanese
JAPANESE_KANA = "きょうは いい てんき ですね。 わたしは まいにち がっこうに いきます。 あした ともだちと こうえんに いきましょう。"
GERMAN = "Der Hund spielt im Garten mit einem roten Ball. Heute ist das Wetter sehr schön, und die Kinder gehen in die Schule."


def unspaced_share(ref: str, hyp: str) -> float:
    """How many characters of a script written without spaces `hyp` holds, as a share of `ref`'s. Japanese may be
    written in kana or in kanji (きょう, 今日) from one decoding to the next, so a character error rate would score the
    model's choice of script; this counts what was kept."""
    from captioner.subtitles.units import is_unspaced

    return sum(map(is_unspaced, hyp)) / max(1, sum(map(is_unspaced, ref)))


def cer(ref: str, hyp: str) -> float:
    """Character error rate over the text units' characters (`subtitles.units`: no punctuation, no spaces)."""
    from captioner.subtitles.units import units

    return jiwer.cer("".join(units(ref)), "".join(units(hyp)))


def plain_whisper(model_dir: Path, path: Path, task: str = "transcribe") -> str:
    """What plain faster-whisper writes for the file on the same model: whole file, beam 5, language detected, at
    temperature 0 only. Its default falls back to sampling where a window's words are unsure, and sampling draws at
    random: on the Chinese sentence its last words came out "我決定是一個好主意" in one run and, in another, the
    sentence's first half again, so a yardstick that samples makes a test fail by chance."""
    from faster_whisper import WhisperModel

    segments, _info = WhisperModel(str(model_dir), device="cpu", compute_type="int8").transcribe(str(path), beam_size=5, task=task,
                                                                                                  temperature=0.0)
    return "".join(s.text for s in segments)
