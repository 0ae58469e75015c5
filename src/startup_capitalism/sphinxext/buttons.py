"""The repository's public address for the reviewers' buttons, when _config.yml leaves it empty.

The buttons themselves are set in _config.yml (`repository:`, `launch_buttons:`, `html:`). One
setting cannot be: the repository's public address is not part of the book (a fork, a mirror and
the CI each have their own), so `make book REPOSITORY_URL=https://github.com/OWNER/REPO` gives it
(and REPOSITORY_BRANCH, else `repository: branch:`). This module only fills in what _config.yml
leaves empty; an address written there is used as it is, with the buttons as written.

Why code: jupyter-book refuses `use_repository_button: true` without an address, and the theme
warns (a strict build fails) when a launch button has no repository; so with the address from the
environment the repository and issues buttons are turned on here, and with no address at all the
launch buttons are left out, each said in the build's log.
"""

from __future__ import annotations

import os

from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
# the launch buttons that open the repository somewhere (all need its address)
REPOSITORY_LAUNCHERS = ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url", "thebe")


def _repository_address(app: Sphinx, config) -> None:
    options = dict(config.html_theme_options or {})
    if options.get("repository_url"):
        return  # _config.yml names the repository: nothing to fill in
    address = os.environ.get("REPOSITORY_URL", "").strip()
    if address:
        options["repository_url"] = address
        options["repository_branch"] = (
            os.environ.get("REPOSITORY_BRANCH", "").strip() or options.get("repository_branch") or "main"
        )
        options["use_repository_button"] = options["use_issues_button"] = True
        LOGGER.info("repository buttons for %s (REPOSITORY_URL)", address)
    else:
        launch = dict(options.get("launch_buttons") or {})
        dropped = [key for key in REPOSITORY_LAUNCHERS if launch.get(key)]
        if dropped:
            launch.update(dict.fromkeys(dropped, ""))
            launch["thebe"] = False
            options["launch_buttons"] = launch
            LOGGER.info(
                "no repository address (`repository: url:` in _config.yml or REPOSITORY_URL): "
                "no launch buttons (%s)",
                ", ".join(dropped),
            )
    config.html_theme_options = options


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _repository_address)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
