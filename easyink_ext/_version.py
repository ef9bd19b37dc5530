"""Version of the easyink_ext package."""

__version__ = "0.3.0"
