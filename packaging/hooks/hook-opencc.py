# OpenCC reads its conversions' configs (JSON) and their dictionaries (.ocd2) from its package folder at run time
# (captioner/subtitles/chinese.py). Carry those of the conversions captioner makes, read from the configs themselves,
# and not the headers, static libraries and command-line tools of the package folder (5 MB) that the contrib hook's
# collect_data_files would add.
import json
from pathlib import Path

from PyInstaller.utils.hooks import get_package_paths

from captioner.subtitles.chinese import OPENCC_CONFIGS

_, _root = get_package_paths("opencc")
SHARE = Path(_root) / "clib" / "share" / "opencc"


def _files(node):
    """The dictionary files a config names, at any depth."""
    if isinstance(node, dict):
        if isinstance(node.get("file"), str):
            yield node["file"]
        for value in node.values():
            yield from _files(value)
    elif isinstance(node, list):
        for value in node:
            yield from _files(value)


_names = set()
for _config in OPENCC_CONFIGS.values():
    _names.add(f"{_config}.json")
    _names.update(_files(json.loads((SHARE / f"{_config}.json").read_text(encoding="utf-8"))))

datas = [(str(SHARE / name), "opencc/clib/share/opencc") for name in sorted(_names)]
