"""Chat export parsers: one module per format behind `base.ChatParser`, found by `registry`."""
