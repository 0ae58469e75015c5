"""A small book of one chapter (tests/test_page_reader.py) with the book's extension; the test sets
`myst_enable_extensions` to the book's own (from _config.yml)."""

extensions = ["myst_nb", "startup_capitalism.sphinxext"]
html_theme = "sphinx_book_theme"
smartquotes = False  # as _config.yml sets it
nb_execution_mode = "off"
exclude_patterns = ["_build"]
