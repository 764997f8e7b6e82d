"""The engine's timing rules where passes are cheap (a GPU's), on real speech with the real tiny.en: passes are decoded
here and counted at a GPU's cost (0.05 s) on the simulated clock, as benchmarks/model_costs.py --final-pace does."""

from dataclasses import replace

import pytest

from captioner.audio.sources import decode_file
from captioner.engine.filters import normalise
from captioner.engine.live.pipeline import CaptionEngine, EngineConfig
from captioner.engine.live.replay import replay
from tests.conftest import SENTENCE
from tests.engine.live.test_pipeline import FIRST, SECOND, revising, two_phrases  # noqa: F401  (a fixture)
from tests.speech import SR, wer

GPU_PASS_S = 0.05  # the default model's pass over a few seconds of speech on an H200 (benchmarks/README.md, "On a GPU")
CPU_PASS_S = 0.4  # a pass of base on two CPU cores


def paced(transcriber, seconds):
    """The real model's passes, each counted as costing `seconds`."""
    def transcribe(job):
        result = revising(transcriber, job) or transcriber.transcribe(job.audio, job.prompt, checked=job.final or job.pause)
        return replace(result, compute_s=seconds)

    return transcribe


def run(audio, transcriber, *, accelerated, pass_s=GPU_PASS_S, **kw):
    return replay(audio, CaptionEngine(EngineConfig(accelerated=accelerated)), paced(transcriber, pass_s), **kw)


def final_delays(result):
    """Seconds from the end of each final's speech to when it was first shown."""
    return [e.at_s - e.event.end / SR for e in result.emitted if e.event.final and e.event.text and not e.event.revision]


def interim_steps(result):
    """Seconds of new audio between a segment's consecutive interim passes."""
    jobs = [job for job, _ in result.jobs if not (job.final or job.pause or job.revises)]
    return [(b.end - a.end) / SR for a, b in zip(jobs, jobs[1:]) if a.segment_id == b.segment_id]


@pytest.fixture(scope="module")
def sentence(sentence_wav):
    return decode_file(str(sentence_wav))


def test_on_a_gpu_a_finished_sentence_is_shown_as_the_final_at_once(sentence, tiny_transcriber):
    gpu = run(sentence, tiny_transcriber, accelerated=True)
    cpu_rules = run(sentence, tiny_transcriber, accelerated=False)
    assert len(gpu.finals) == len(cpu_rules.finals) == 1 and wer(SENTENCE, gpu.finals[0].text) <= 0.2
    assert max(final_delays(gpu)) <= 0.35  # the pause pass's words, once it is back: 150 ms of silence and the pass
    assert min(final_delays(cpu_rules)) >= 0.55  # the hang-over (600 ms) waited out first
    assert not [e for e in gpu.emitted if e.event.revision]  # the speaker stopped there: confirmed, said once


def test_a_final_shown_early_is_revised_over_the_same_audio_as_without_early_finals(sentence, tiny_transcriber):
    """The revising pass hears a final shown early over its segment's whole audio, its tail after the speech included,
    as it hears a final that waited for the hang-over: cut at the pause, its last word was decoded without the silence
    after it (that cost the round-robin file 3 points of WER at a GPU's pace)."""
    gpu, cpu_rules = (run(sentence, tiny_transcriber, accelerated=a) for a in (True, False))
    revising = [[(job.start, job.end) for job, _ in r.jobs if job.revises] for r in (gpu, cpu_rules)]
    assert revising[0] and revising[0] == revising[1]


def test_on_a_gpu_interims_come_four_times_as_often(sentence, tiny_transcriber):
    gpu, cpu_rules = (run(sentence, tiny_transcriber, accelerated=a) for a in (True, False))
    assert interim_steps(gpu) and max(interim_steps(gpu)) <= 0.35  # every 0.25 s of new audio (a frame or two more)
    assert min(interim_steps(cpu_rules)) >= 0.95
    first = [job for job, _ in gpu.jobs][0]
    speech_start = gpu.finals[0].start
    assert (first.end - speech_start) / SR <= 0.3  # the first interim after a quarter of a second of speech


def test_on_a_slow_device_the_rules_stay_a_cpus(sentence, tiny_transcriber):
    """`accelerated` alone is not enough: passes measured as slow as a CPU's keep the CPU's rules."""
    slow = run(sentence, tiny_transcriber, accelerated=True, pass_s=CPU_PASS_S)
    assert min(interim_steps(slow)) >= 0.95  # once a pass was measured (before, an accelerator is taken at its word)
    assert min(final_delays(slow)) >= 0.55  # no final shown before the hang-over


def test_speech_going_on_after_a_final_shown_early_continues_the_segment(two_phrases, tiny_transcriber):  # noqa: F811
    """A 0.25 s pause after a finished sentence, shorter than the hang-over: its final is shown at once; the speaker goes
    on, the segment with them. The second sentence shows under a new id and the segment's final pass is shared out at
    the pause: the words are those of the one segment the engine would have made without early finals."""
    audio, pause_at = two_phrases
    gpu = run(audio, tiny_transcriber, accelerated=True, compute_advances_clock=False)
    cpu_rules = run(audio, tiny_transcriber, accelerated=False, compute_advances_clock=False)
    assert len(cpu_rules.finals) == 1  # one segment: the pause is shorter than the hang-over
    shown = [e for e in gpu.emitted if e.event.final and e.event.text and not e.event.revision]
    first, second = shown[0].event, shown[1].event
    assert first.id != second.id and len(shown) == 2
    assert shown[0].at_s < pause_at + 0.35  # shown in the pause, before the second sentence began
    assert wer(FIRST, first.text) <= 0.35 and wer(SECOND, second.text) <= 0.35
    assert first.end <= second.start
    interims = [e.event for e in gpu.emitted if not e.event.final and e.at_s > shown[0].at_s]
    assert interims and all(i.id == second.id and normalise(FIRST.split()[1]) not in normalise(i.text) for i in interims)
    revised = [x.event for x in gpu.emitted if x.event.final and x.event.revision and x.event.id == first.id]
    assert all(normalise(e.text) != normalise(first.text) for e in revised)  # only for other words, never punctuation alone
    kept = {e.id: e for e in (x.event for x in gpu.emitted) if e.final and e.text}  # revisions replace by id
    assert normalise(" ".join(e.text for e in kept.values())) == normalise(cpu_rules.finals[0].text)


def test_a_meeting_on_a_gpu_gets_interims_at_its_pace_and_hands_each_final_out_once(sentence, tiny_transcriber):
    """A meeting's spoken order hands each final out once (it may hold one back for the other side), so a final is shown
    once its segment has ended, as on a CPU; its interims come at the GPU's pace."""
    import numpy as np

    from captioner.channels import MICROPHONE, SYSTEM
    from captioner.engine.live.replay import replay_meeting
    from captioner.engine.live.spoken_order import Channel

    quiet = np.zeros_like(sentence)
    channels = [(Channel("You", None, MICROPHONE), sentence), (Channel("Others", None, SYSTEM), quiet)]
    gpu, cpu_rules = (replay_meeting(channels, paced(tiny_transcriber, GPU_PASS_S), EngineConfig(accelerated=a), echo=None)
                      for a in (True, False))
    assert interim_steps(gpu) and max(interim_steps(gpu)) <= 0.35 and min(interim_steps(cpu_rules)) >= 0.95
    assert len(gpu.finals) == 1 and wer(SENTENCE, gpu.finals[0].text) <= 0.2
    assert min(final_delays(gpu)) >= 0.55  # the hang-over waited out: no final shown early
    assert not [e for e in gpu.emitted if e.event.revision]


def test_a_meeting_session_takes_the_timing_rules_of_the_device_its_model_runs_on(sentence_wav):
    from captioner.audio.sources import FileSource
    from captioner.channels import MICROPHONE, SYSTEM
    from captioner.engine.live.meeting import MeetingSession
    from captioner.engine.live.spoken_order import Channel
    from captioner.engine.live.transcriber import Transcriber
    from tests.tones import ToneRecognizer

    def lanes(device):
        channels = [Channel("You", FileSource(str(sentence_wav)), MICROPHONE), Channel("Others", FileSource(str(sentence_wav)), SYSTEM)]
        return [lane.engine.config for lane in MeetingSession(channels, Transcriber(ToneRecognizer(device=device))).lanes]

    assert all(c.accelerated and not c.early_finals and not c.revise for c in lanes("cuda"))
    assert not any(c.accelerated for c in lanes("cpu"))
