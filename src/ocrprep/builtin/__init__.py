"""The plugins that ship with ocrprep, registered like any third-party plugin."""
