"""Version of the easyink_ext package."""

__version__ = "0.1.0"
