# Overrides the contrib hook, which calls copy_metadata('webrtcvad') and so fails the build when the
# module comes from the `webrtcvad-wheels` distribution. webrtcvad.py reads its version with
# importlib.metadata.version('webrtcvad-wheels') (falling back to "unknown"), so carry that
# distribution's metadata when it is the one installed.
from PyInstaller.utils.hooks import copy_metadata

datas = []
for _dist in ("webrtcvad-wheels", "webrtcvad"):
    try:
        datas = copy_metadata(_dist)
        break
    except Exception:  # importlib.metadata.PackageNotFoundError
        continue

hiddenimports = ["_webrtcvad"]
