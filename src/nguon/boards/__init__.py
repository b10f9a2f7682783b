"""Public electronic boards: slides rendered for each board's exact resolution.

- ``render``: a notice (title, text, priority, image) set in Be Vietnam Pro at the board's
  size: NFC text, every diacritic, wrapped at word boundaries and shrunk to fit, readable
  contrast; images scaled and cropped with care; bad images refused with a clear error.
"""
