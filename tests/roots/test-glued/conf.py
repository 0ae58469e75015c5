"""A small book of one chapter whose page pastes a notebook's glued tables (tests/test_glued.py)."""

extensions = ["myst_nb", "startup_capitalism.sphinxext"]
html_theme = "sphinx_book_theme"
myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
smartquotes = False
numfig = True
numfig_format = {"figure": "Figure %s", "exhibit": "Exhibit %s", "table": "Table %s"}
numfig_secnum_depth = 0
nb_execution_mode = "cache"
nb_execution_raise_on_error = True
exclude_patterns = ["_build"]
