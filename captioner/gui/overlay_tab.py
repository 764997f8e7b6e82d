"""The settings dialog's Caption overlay tab: the overlay's font, colours, lines, position and
click-through, previewed live on the overlay as they change."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFontComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QWidget,
)

from captioner.gui.contrast import HIGH_CONTRAST
from captioner.gui.widgets import ColorButton
from captioner.settings import PLACEMENT_DOCKED_BOTTOM, PLACEMENT_DOCKED_TOP, PLACEMENT_FLOATING, OverlaySettings

# where the overlay goes (OverlaySettings.placement): setting, shown text
PLACEMENTS = (
    (PLACEMENT_FLOATING, "Floating: where you drag it"),
    (PLACEMENT_DOCKED_BOTTOM, "Docked at the bottom of the screen, full width"),
    (PLACEMENT_DOCKED_TOP, "Docked at the top of the screen, full width"),
)
CLICK_THROUGH_TEXT = "Click-through (mouse clicks go to the window below; {shortcut} turns it off)"


class OverlayTab:
    """The Caption overlay tab of SettingsDialog (a base of it): `_overlay_tab` builds the page, `overlay_settings`
    reads it. The dialog has `_original` (the Settings it opened with), `_click_through_shortcut` (the key named
    beside Click-through) and the `preview` signal."""

    def _overlay_tab(self, o: OverlaySettings) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.font_family = QFontComboBox()
        self.font_family.setCurrentFont(QFont(o.font_family) if o.font_family else self.font())
        self.font_size = QSpinBox()
        self.font_size.setRange(8, 120)
        self.font_size.setSuffix(" pt")
        self.font_size.setValue(o.font_size)
        self.bold = QCheckBox("Bold")
        self.bold.setChecked(o.bold)
        font_row = QHBoxLayout()
        font_row.addWidget(self.font_family, 1)
        font_row.addWidget(self.font_size)
        font_row.addWidget(self.bold)
        form.addRow("Font:", font_row)
        self.text_color = ColorButton(o.text_color)
        form.addRow("Text colour:", self.text_color)
        self.interim_color = ColorButton(o.interim_color)
        self.interim_color.setToolTip("Colour of the words still being recognised (shown in italics)")
        form.addRow("Interim text colour:", self.interim_color)
        self.background_color = ColorButton(o.background_color)
        form.addRow("Background colour:", self.background_color)
        self.opacity = QSlider(Qt.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(round(o.background_opacity * 100))
        self.opacity_label = QLabel()
        self.opacity.valueChanged.connect(lambda v: self.opacity_label.setText(f"{v} %"))
        self.opacity_label.setText(f"{self.opacity.value()} %")
        opacity_row = QHBoxLayout()
        opacity_row.addWidget(self.opacity, 1)
        opacity_row.addWidget(self.opacity_label)
        form.addRow("Background opacity:", opacity_row)
        self.lines = QSpinBox()
        self.lines.setRange(1, 5)
        self.lines.setValue(o.lines)
        form.addRow("Lines shown:", self.lines)
        self.align = QComboBox()
        self.align.addItem("Left", "left")
        self.align.addItem("Centred", "center")
        self.align.setCurrentIndex(0 if o.align == "left" else 1)
        form.addRow("Alignment:", self.align)
        self.placement = QComboBox()
        for value, text in PLACEMENTS:
            self.placement.addItem(text, value)
        self.placement.setCurrentIndex(max(0, self.placement.findData(o.placement)))
        self.placement.setToolTip("Docked, the overlay spans the screen's whole width at its edge, as tall as its lines; "
                                  "floating, it keeps clear of this window until you move it")
        form.addRow("Position:", self.placement)
        self.clear_after = QDoubleSpinBox()
        self.clear_after.setRange(0, 600)
        self.clear_after.setDecimals(0)
        self.clear_after.setSuffix(" s")
        self.clear_after.setSpecialValueText("never")
        self.clear_after.setValue(o.clear_after_s)
        form.addRow("Clear after silence:", self.clear_after)
        self.click_through = QCheckBox(CLICK_THROUGH_TEXT.format(shortcut=self._click_through_shortcut))
        self.click_through.setChecked(o.click_through)
        form.addRow("", self.click_through)
        self.overlay_defaults = QPushButton("Overlay defaults")
        self.overlay_defaults.setToolTip("Put the overlay's look and position back as they come; Cancel undoes it")
        self.overlay_defaults.clicked.connect(self._overlay_defaults)
        self.high_contrast = QPushButton("High contrast")
        self.high_contrast.setToolTip("White bold text on an opaque black background, the words still being recognised in light yellow; "
                                      "Cancel undoes it")
        self.high_contrast.clicked.connect(self._high_contrast)
        defaults_row = QHBoxLayout()
        defaults_row.addStretch(1)
        defaults_row.addWidget(self.high_contrast)
        defaults_row.addWidget(self.overlay_defaults)
        form.addRow(defaults_row)
        for w in (self.font_size, self.lines):
            w.valueChanged.connect(self._emit_preview)
        self.opacity.valueChanged.connect(self._emit_preview)
        self.clear_after.valueChanged.connect(self._emit_preview)
        self.font_family.currentFontChanged.connect(self._emit_preview)
        self.bold.toggled.connect(self._emit_preview)
        self.align.currentIndexChanged.connect(self._emit_preview)
        self.placement.currentIndexChanged.connect(self._emit_preview)
        for b in (self.text_color, self.interim_color, self.background_color):
            b.colorChanged.connect(self._emit_preview)
        return page

    def overlay_settings(self) -> OverlaySettings:
        family = self.font_family.currentFont().family()
        default_family = self.font().family()
        o = self._original.overlay
        return dataclasses.replace(
            o,
            font_family="" if (not o.font_family and family == default_family) else family,
            font_size=self.font_size.value(),
            bold=self.bold.isChecked(),
            text_color=self.text_color.color,
            interim_color=self.interim_color.color,
            background_color=self.background_color.color,
            background_opacity=self.opacity.value() / 100,
            lines=self.lines.value(),
            align=self.align.currentData(),
            placement=self.placement.currentData(),
            clear_after_s=float(self.clear_after.value()),
            click_through=self.click_through.isChecked(),
        )

    def _emit_preview(self, *_args) -> None:
        self.preview.emit(self.overlay_settings())

    def _overlay_defaults(self) -> None:
        d = OverlaySettings()
        self.font_family.setCurrentFont(self.font())
        self.font_size.setValue(d.font_size)
        self.bold.setChecked(d.bold)
        self.text_color.set_color(d.text_color)
        self.interim_color.set_color(d.interim_color)
        self.background_color.set_color(d.background_color)
        self.opacity.setValue(round(d.background_opacity * 100))
        self.lines.setValue(d.lines)
        self.align.setCurrentIndex(0)
        self.placement.setCurrentIndex(self.placement.findData(d.placement))
        self.clear_after.setValue(d.clear_after_s)
        self.click_through.setChecked(d.click_through)

    def _high_contrast(self) -> None:
        look = OverlaySettings(**HIGH_CONTRAST)
        self.text_color.set_color(look.text_color)
        self.interim_color.set_color(look.interim_color)
        self.background_color.set_color(look.background_color)
        self.opacity.setValue(round(look.background_opacity * 100))
        self.bold.setChecked(look.bold)
