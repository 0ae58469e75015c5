"""Editions: citable, versioned releases of the book, each kept online, with what changed between them.

- `record`: the release record (`editions.yml`, `CITATION.cff`, `.zenodo.json`) and which edition a
  tree is (the edition itself, or a draft after the last one);
- `release`: `make edition VERSION=X.Y`, the command that releases an edition;
- `changes`: what changed since the previous edition (sentences, evidence rows, scores), from git;
- `header`: the edition bar of every page (edition, date, switcher, banner, "Cite this page"),
  rendered the same by the build and by `site` (no Sphinx here);
- `site`: the published site: the latest edition at the root, every edition under `editions/X.Y/`;
- `sphinxext`: the Sphinx side (the bar on every page, the `{edition-changes}` page).
"""
