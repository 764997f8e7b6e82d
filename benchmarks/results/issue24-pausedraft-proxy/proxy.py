"""base finals + tiny.en drafts on the simulated clock, the final model's passes made K times slower (a big model's pace)."""
import sys, json, dataclasses
from benchmarks import dataset, metrics, runners
from benchmarks.model_costs import load
from captioner.audio.sources import decode_file
from captioner.engine.pipeline import EngineConfig
from captioner.engine.transcriber import DecodeOptions
setname, K = sys.argv[1], float(sys.argv[2])
tr = load("base", DecodeOptions(window_margin_s=-1), 2, "tiny.en", 1)
tr.warm_up()
def run(job):
    r = tr.run(job)
    if job.final or job.pause or job.revises:
        r = dataclasses.replace(r, compute_s=r.compute_s * K)
    return r
config = EngineConfig(interim_worker=True)
per_file = []
for bf in dataset.load_set(setname, dataset.DEFAULT_SPEECH_DIR):
    rr = runners.simulate_live(run, decode_file(str(bf.path)), config)
    per_file.append((bf, metrics.live_figures(rr, bf)))
    f = per_file[-1][1]
    print(bf.path.name, {k: f.get(k) for k in ("wer", "final_p50", "first_p90", "seen_p90")}, flush=True)
res = metrics.pooled(per_file, "live")
print("POOLED", json.dumps({k: res.get(k) for k in ("wer", "final_p50", "final_p90", "first_p50", "first_p90", "seen_p50", "seen_p90", "finals", "rtf")}))
