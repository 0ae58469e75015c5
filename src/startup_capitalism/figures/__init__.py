"""Charts, tables and the formatting of numbers, built by the notebooks from the checked rows."""
