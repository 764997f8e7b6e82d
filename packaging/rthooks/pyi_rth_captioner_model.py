# Runtime hook: a build made with `build.py --embed-model DIR` carries that model in
# <bundle>/_internal/models/<name>/. Tell the app where it is (the app itself decides whether to use
# it): CAPTIONER_EMBEDDED_MODEL is the folder, usable anywhere a model folder is (`--model`).
# Nothing is written inside the bundle: settings, downloaded models and sessions stay in the
# user's folders (platformdirs / the Hugging Face cache).


def _captioner_model() -> None:
    import json
    import os
    import sys

    base = getattr(sys, "_MEIPASS", None)
    if base is None:
        return
    manifest = os.path.join(base, "models", "embedded.json")
    try:
        with open(manifest, encoding="utf-8") as f:
            folder = os.path.join(base, "models", json.load(f)["folder"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    if os.path.isfile(os.path.join(folder, "model.bin")):
        os.environ.setdefault("CAPTIONER_EMBEDDED_MODEL", folder)


_captioner_model()
del _captioner_model
