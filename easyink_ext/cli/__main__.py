"""``python -m easyink_ext.cli``: same as the ``easyink`` command."""

from . import main

main()
