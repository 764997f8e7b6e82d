"""The private parts of faster-whisper and huggingface_hub the engine relies on, in one place.

Neither library offers these publicly. They are reached only through this module, each with a
fallback for a release that moves or drops them, so an upgrade that breaks one shows here.
Imports are lazy: the model catalogue (imported by the settings) stays free of the ML stack.
"""

from __future__ import annotations


def faster_whisper_repos() -> dict[str, str]:
    """faster-whisper's model names and their hub repos (private: `faster_whisper.utils._MODELS`).

    Fallback: no names, so only the catalogue's names and hub ids resolve.
    """
    try:
        from faster_whisper.utils import _MODELS
    except ImportError:
        return {}
    return dict(_MODELS)


def abort_xet_transfers() -> None:
    """Stop the hf_xet transfers in flight (private: `huggingface_hub.utils._xet.abort_xet_session`).

    hf_xet ignores exceptions raised by progress hooks, so this is how a cancel reaches it.
    Fallback: nothing; the cancel then takes effect when the download ends or next reports progress.
    """
    try:
        from huggingface_hub.utils._xet import abort_xet_session
    except ImportError:
        return
    abort_xet_session()
