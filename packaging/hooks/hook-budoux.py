# BudouX reads its phrase models (models/*.json, one per language) from its package folder at run time
# (captioner/subtitles/units.py: where a Japanese, Chinese or Thai line may break); carry them.
from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("budoux")
