"""Repository, Binder launch and download buttons for reviewers."""

from __future__ import annotations

import os

from sphinx.application import Sphinx

BINDER = "https://mybinder.org"


def _reviewer_buttons(app: Sphinx, config) -> None:
    """Repository, Binder launch and download buttons for reviewers.

    The repository's public address is not part of the book, so it is given at build time:
    `make book REPOSITORY_URL=https://github.com/OWNER/REPO`. Without it the pages have download
    buttons only (a launch button needs a repository to launch).
    """
    options = dict(config.html_theme_options or {})
    options["use_download_button"] = True
    repository = os.environ.get("REPOSITORY_URL", "").strip()
    if repository:
        options.update(
            repository_url=repository,
            repository_branch=os.environ.get("REPOSITORY_BRANCH") or "main",
            path_to_docs="",
            use_repository_button=True,
            use_issues_button=True,
        )
        # Binder installs requirements.txt (jupytext included), so the MyST notebooks open as notebooks
        options["launch_buttons"] = {
            **options.get("launch_buttons", {}),
            "binderhub_url": BINDER,
            "notebook_interface": "jupyterlab",
        }
    config.html_theme_options = options


def setup(app) -> None:
    app.connect("config-inited", _reviewer_buttons)
