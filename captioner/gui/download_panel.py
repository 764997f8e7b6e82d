"""The panel that shows a model being looked for, downloaded and loaded (or the GPU's libraries downloading), with
Cancel."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from captioner.engine.models.catalogue import model_label
from captioner.gui.gpu_support import GPU_SUPPORT_PHASE
from captioner.gui.widgets import format_bytes

__all__ = ["GPU_SUPPORT", "DownloadPanel"]

GPU_SUPPORT = "GPU support (NVIDIA cuBLAS 12)"  # what the panel names while the GPU's libraries download


class DownloadPanel(QWidget):
    """Shows a model being looked for, downloaded (with progress) and loaded, or the GPU's libraries downloading;
    Cancel stops it."""

    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("downloadPanel")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(12)
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(self.cancelRequested)
        row.addWidget(self.label, 2)
        row.addWidget(self.bar, 3)
        row.addWidget(self.cancel)
        self.model = ""
        self.subject = ""  # what downloads, for people: the model's name, or GPU_SUPPORT
        self.hide()

    def set_phase(self, phase: str, model: str) -> None:
        """`model` is the spec being prepared; phase "" hides the panel."""
        self.model = model
        if not phase:
            self.hide()
            return
        label = model_label(model)
        self.subject = GPU_SUPPORT if phase == GPU_SUPPORT_PHASE else label
        self.show()
        self.cancel.setEnabled(True)
        text = {
            "checking": f"Looking for {label}…",
            "downloading": f"Downloading {label}…",
            "loading": f"Loading {label} into memory…",
            "preparing-gpu": "Preparing the GPU (first time only)…",
            "warming": f"Warming up {label} (one pass)…",
            GPU_SUPPORT_PHASE: f"Downloading {GPU_SUPPORT}…",
        }
        if phase in text:
            self.label.setText(text[phase])
            self.bar.setRange(0, 0)

    def set_progress(self, p) -> None:
        if p.total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * p.downloaded / p.total))
            amount = f"{format_bytes(p.downloaded)} of {format_bytes(p.total)}"
        else:
            self.bar.setRange(0, 0)
            amount = format_bytes(p.downloaded)
        speed = f" · {format_bytes(p.bytes_per_s)}/s" if p.bytes_per_s > 0 else ""
        self.label.setText(f"Downloading {self.subject}: {amount}{speed}")
