"""Benchmarks of the caption engine: a core of shared modules and the scripts that run them.

Run a script from the repository root as a module: `python -m benchmarks.<script> --help`
(how to run each one and what it measures: benchmarks/README.md).

Scripts (entry points, each with a `main`): attribution, cold_start, final_beam_cost, final_policy,
hour, live_vs_offline, meeting, model_costs, refined, same_finals, standin, tune.

Core (imported by the scripts and the tests; no `main`):
- benchfile, dataset, evalset: the audio files, their references, the sets and the evaluation set's halves;
- modelpaths, standin_models: where the models come from, and stand-ins of the big ones' shape;
- engine_args: the engine's settings as flags, and what a results file records about its run;
- runners, workers, segments, longsession, experiments: running the engine over a file (simulated
  clock, wall clock, offline, in a child process), its segments, long sessions, engine variants;
- metrics, report: the figures of a run and their tables and plots.

A script imports core modules only, never another script; core modules never import a script
(`.ci/import_graph.py` checks both).
"""
