"""A pytest plugin for the bench's data tests at scale (`-p benchmarks.without_built_book`): the
tests that need the session-built book (the `built_book` fixture) are deselected, so the figure
times the data tests, not a second full build (HTML, PDF and EPUB) of the generated book, whose
HTML build is timed on its own."""


def pytest_collection_modifyitems(config, items):
    needs_the_book = [item for item in items if "built_book" in getattr(item, "fixturenames", ())]
    if needs_the_book:
        config.hook.pytest_deselected(items=needs_the_book)
        items[:] = [item for item in items if item not in needs_the_book]
