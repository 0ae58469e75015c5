"""A small book of one chapter (tests/test_page_reader.py) with the book's extension and its MyST
extensions (tests/test_book_root.py checks they are those of _config.yml; the page reader reads
them here, as Sphinx does)."""

extensions = ["myst_nb", "startup_capitalism.sphinxext"]
html_theme = "sphinx_book_theme"
myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
smartquotes = False  # as _config.yml sets it
nb_execution_mode = "off"
exclude_patterns = ["_build"]
