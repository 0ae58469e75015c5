"""`make preview` in a scratch copy: a saved prose edit reloads the page in Chromium."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from conftest import ROOT, copy_of_the_book


def load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scratch_book(built_book, tmp_path_factory):
    """A copy with the execution cache of the real build, so the preview executes nothing."""
    return copy_of_the_book(tmp_path_factory.mktemp("preview") / "book")


def test_a_saved_prose_edit_reloads_the_page_in_the_browser(scratch_book):
    assert shutil.which("chromium"), "Debian's chromium is not installed: `make test` installs it"
    preview_reload = load_tool("preview_reload")
    result = preview_reload.save_and_wait_for_reload(scratch_book)
    print(f"save to reloaded page: {result['seconds']:.1f} s")
    assert result["reloaded"], "the page shows the edit without having reloaded"
    output = "\n".join(result["output"])
    saved = preview_reload.edited_page(scratch_book).relative_to(scratch_book)
    assert f"preview: saved {saved.as_posix()}" in output, output[-3000:]
    assert "0 problem(s)" in output, output[-3000:]
