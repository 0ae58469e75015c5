"""Sphinx side of the editions: the edition bar on every page and the `{edition-changes}` page.

- `html-page-context`: the bar (`header.render`: edition and date, switcher, banner on an old
  edition, "Cite this page") at the top of every page, as the theme's announcement (outside the
  page's `<main>`), and its small stylesheet, served from the site (no script: the switcher and
  the citation are `<details>` lists);
- `{edition-changes}` (on `book/edition-changes.md`): "Changes since edition X.Y", from
  `editions.changes`, or that this is the first edition; the figures, exhibits and tables that
  draw from the changed rows are filled in once every page is read (`doctree-resolved`).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from . import header, record
from .changes import EditionChanges, RowChange, changes_since

STATIC = Path(__file__).parent / "static"
STYLESHEET = "startup-editions.css"
ROW_LINK = re.compile(r"#row-([\w.-]+)")
HEADINGS = {"edited": "Sentences edited", "added": "Sentences added", "removed": "Sentences removed"}


class pending_drawn_from(nodes.Element):  # noqa: N801
    """Where the list of figures, exhibits and tables drawing from changed rows goes."""


class page_title(nodes.Element):  # noqa: N801
    """The page's title as the directive knows it ("Changes since edition 1.0"), set on the page's
    heading when the page is read, before Sphinx collects the titles."""


def _retitle(app: Sphinx, doctree: nodes.document) -> None:
    for marker in list(doctree.findall(page_title)):
        heading = doctree.next_node(nodes.title)
        if heading is not None:
            heading.children = []
            heading += nodes.Text(marker["title"])
        marker.parent.remove(marker)


def _state(app: Sphinx) -> record.State:
    return record.state(Path(app.srcdir))


def _pages_at(root: Path, tag: str) -> set[str]:
    """The pages (as `x/y.html`) an edition had, from its tag; empty when git cannot say."""
    result = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", tag], cwd=root, capture_output=True, text=True
    )
    return {name.removesuffix(".md") + ".html" for name in result.stdout.split() if name.endswith(".md")}


def _setup_bar(app: Sphinx) -> None:
    if app.builder.name != "html":  # the site only: the EPUB and the PDF are each one edition's file
        return
    root = Path(app.srcdir)
    if not (root / record.CITATION).is_file():  # a book with no citation file has no editions to
        return  # show (a test's fixture book); this book's CITATION.cff is checked by its tests
    state = _state(app)
    cff = record.citation(root)
    known = list(state.editions)  # a draft's and the edition's own: every edition up to it
    pages_of = {}
    for edition in known:
        if edition is not state.current:
            pages = _pages_at(root, edition.tag)
            if pages:
                pages_of[edition.version] = pages
    app.startup_edition_bar = {
        "state": state,
        "editions": known,
        "pages_of": pages_of,
        "authors": record.author_names(cff),
        "book_title": app.config.html_title or app.config.project,  # jupyter-book sets html_title
        "base_url": (app.config.html_baseurl or "").strip(),
    }
    app.config.html_static_path.append(str(STATIC))
    app.add_css_file(STYLESHEET)


def _rewrite_all_when_the_record_changes(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Every page shows the record (edition or draft, the editions to switch to): when editions.yml
    or CITATION.cff changes, an incremental build writes every page again, as a cold one would."""
    root = Path(app.srcdir)
    stamp = "".join(
        (root / name).read_text(encoding="utf-8") if (root / name).is_file() else ""
        for name in (record.RECORD, record.CITATION)
    )
    if getattr(env, "startup_edition_record", None) == stamp:
        return []
    env.startup_edition_record = stamp
    return sorted(env.found_docs)


def _add_bar(app: Sphinx, pagename, templatename, context, doctree) -> None:
    settings = getattr(app, "startup_edition_bar", None)
    if settings is None or "body" not in context:
        return
    state = settings["state"]
    # the build is placed as it will be published: an edition under editions/X.Y/, a draft under draft/
    placed = "../../" if state.current is not None else "../"
    bar = header.render(
        pagename=pagename,
        title=context.get("title", ""),
        shown=state.current,
        label=state.label,
        editions=settings["editions"],
        pages_of=settings["pages_of"],
        to_site_root="../" * pagename.count("/") + placed,
        authors=settings["authors"],
        book_title=settings["book_title"],
        base_url=settings["base_url"],
        latest=state.current,
    )
    # the theme's announcement bar: above the page's header, outside its <main> (the page's text)
    context["theme_announcement"] = bar


# --- the changes page ------------------------------------------------------------------------------


def _text(text: str) -> nodes.Text:
    return nodes.Text(text)


def _row_table(change: RowChange) -> nodes.Node:
    items = nodes.bullet_list()
    if change.kind == "changed":
        for column, old, new in change.columns:
            paragraph = nodes.paragraph()
            paragraph += [
                nodes.literal(column, column),
                _text(": "),
                nodes.inline(old or "(empty)", old or "(empty)"),
            ]
            paragraph += [_text(" → "), nodes.strong(new or "(empty)", new or "(empty)")]
            items += nodes.list_item("", paragraph)
    else:
        for column, value in change.row:
            if value:
                paragraph = nodes.paragraph()
                paragraph += [nodes.literal(column, column), _text(f": {value}")]
                items += nodes.list_item("", paragraph)
    return items


class EditionChangesDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        from ..sphinxext.changes import marked, page_link
        from ..text import manuscript_changes

        root = Path(self.env.srcdir)
        state = record.state(root)
        # Sphinx re-reads a page on every build while a dependency of it is missing: before the
        # first release there is no record, and its arrival re-reads every page anyway
        # (`_rewrite_all_when_the_record_changes`)
        if (root / record.RECORD).is_file():
            self.env.note_dependency(str(root / record.RECORD))
        released = [e for e in state.editions if e is not state.current]
        previous = released[-1] if released else None
        title = f"Changes since edition {previous.version}" if previous else "Changes between editions"
        retitle = page_title(title=title)
        if previous is None:
            what = (
                f"Edition {state.current.version} is the first edition"
                if state.current
                else "No edition has been released yet"
            )
            return [retitle, nodes.paragraph("", f"{what}: there is no earlier edition to compare it with.")]
        for path in (root / "data").glob("*.csv"):
            self.env.note_dependency(str(path))
        for path in (root / "chapters").rglob("*.md"):
            self.env.note_dependency(str(path))
        found: EditionChanges = changes_since(root, previous.version)
        this = f"edition {state.current.version}" if state.current else state.label.lower()
        sentences = sum(len(c.sentences) for c in found.chapters)
        result: list[nodes.Node] = [
            retitle,
            nodes.paragraph(
                "",
                f"What changed in {this} since edition {previous.version} ({previous.date}): "
                f"{sentences} sentence{'s' if sentences != 1 else ''} of the chapters, "
                f"{len(found.evidence)} evidence row{'s' if len(found.evidence) != 1 else ''} and "
                f"{len(found.scores)} Figure N.1 score{'s' if len(found.scores) != 1 else ''}. "
                "In an edited sentence the words that differ are in bold.",
            ),
        ]
        for chapter_changes in found.chapters:
            chapter = chapter_changes.chapter
            count = manuscript_changes.counts(list(chapter_changes.sentences))
            result.append(nodes.rubric("", f"{chapter.heading}: sentences"))
            result.append(
                nodes.paragraph(
                    "",
                    f"{count['edited']} edited, {count['added']} added, {count['removed']} removed "
                    f"(of {chapter_changes.total} sentences now).",
                    classes=["edition-sentence-counts"],
                )
            )
            for kind, heading in HEADINGS.items():
                these = [c for c in chapter_changes.sentences if c.kind == kind]
                if not these:
                    continue
                result.append(nodes.rubric("", f"{heading} ({len(these)})"))
                items = nodes.enumerated_list(classes=[f"edition-{kind}-list"])
                for change in these:
                    item = nodes.list_item()
                    where = nodes.paragraph()
                    where += [_text("On "), page_link(change.docname), _text(":")]
                    item += where
                    if kind == "edited":
                        runs = manuscript_changes.word_diff(change.old, change.new)
                        for label, shown in (
                            (f"Edition {previous.version}: ", "removed"),
                            ("Now: ", "added"),
                        ):
                            line = nodes.paragraph()
                            line += [nodes.emphasis(label, label), *marked(runs, shown)]
                            item += line
                    else:
                        text = change.new if kind == "added" else change.old
                        item += nodes.paragraph(text, text)
                    items += item
                result.append(items)
        result += self.rows("Evidence rows", found.evidence, "evidence-row-changes")
        result += self.rows("Figure N.1 scores", found.scores, "score-changes")
        if found.evidence:
            result.append(nodes.rubric("", "Figures, exhibits and tables drawing from the changed rows"))
            result.append(
                pending_drawn_from(
                    ids_=sorted(found.changed_row_ids), sections_=sorted(found.changed_notebooks)
                )
            )
        return result

    def rows(self, heading: str, changes, css: str) -> list[nodes.Node]:
        if not changes:
            return [nodes.rubric("", f"{heading}: no changes")]
        result: list[nodes.Node] = [nodes.rubric("", f"{heading} ({len(changes)})")]
        items = nodes.bullet_list(classes=[css])
        for change in changes:
            item = nodes.list_item()
            line = nodes.paragraph()
            line += [nodes.literal(change.key, change.key), _text(f" {change.kind}")]
            item += line
            item += _row_table(change)
            items += item
        result.append(items)
        return result


def _glued_outputs(app: Sphinx, doctree: nodes.document):
    """(node, refdoc, key) of every glued figure, exhibit and table of a page."""
    from ..sphinxext.glued import pending_glued_table

    for node in doctree.findall(nodes.Element):
        if isinstance(node, pending_glued_table):
            yield node, node["refdoc"], node["key"]
        elif node.__class__.__name__ == "PendingGlueReference":
            yield node, node["refdoc"], node["key"]


def _row_ids(glued: dict) -> tuple[set[str], bool]:
    """The evidence rows a glued output names, and whether it names any (an aggregate does not)."""
    data = glued.get("data", {})
    for value in data.values():
        if isinstance(value, dict) and "row_ids" in value and value["row_ids"] is not None:
            return {row[value["row_ids"]] for row in value["rows"]}, True
    found = set(ROW_LINK.findall(str(data.get("text/html", ""))))
    return found, bool(found)


def _fill_drawn_from(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The figures, exhibits and tables that draw from a changed row: those whose glued output
    names the row (its "Data behind this chart" or table lists row ids), and the aggregates
    (outputs naming no row) glued from the notebook of a changed row's section."""
    pendings = list(doctree.findall(pending_drawn_from))
    if not pendings:
        return
    if app.builder.format != "html":  # the page is on the site only
        for pending in pendings:
            pending.parent.remove(pending)
        return
    from myst_nb.ext.glue.crossref import read_glue_cache

    env = app.env
    std = env.get_domain("std")
    changed = set(pendings[0]["ids_"])
    sections = set(pendings[0]["sections_"])
    items = nodes.bullet_list(classes=["edition-drawn-from"])
    for page in sorted(getattr(env, "startup_glue_sources", {})):
        if page not in env.found_docs:
            continue
        # per figure, exhibit or table: the rows its glued chart or table names, or, for an
        # aggregate (naming none), the notebook it comes from; numbers glued into a caption
        # (text only) are not what it draws
        drawn: dict[str, dict] = {}
        for node, refdoc, key in _glued_outputs(app, env.get_doctree(page)):
            figure = node.parent
            while figure is not None and not (isinstance(figure, nodes.Element) and figure.get("ids")):
                figure = figure.parent
            figtype = std.get_enumerable_node_type(figure) if figure is not None else None
            if figtype is None:
                continue
            glued = read_glue_cache(env.mystnb_config.output_folder, refdoc).get(key) or {}
            if set(glued.get("data", {})) <= {"text/plain"}:
                continue
            ids, names_rows = _row_ids(glued)
            entry = drawn.setdefault(
                figure["ids"][0], {"type": figtype, "hits": set(), "aggregate_of": set()}
            )
            if names_rows:
                entry["hits"] |= ids & changed
            elif refdoc in sections:
                entry["aggregate_of"].add(refdoc)
        for figure_id, entry in drawn.items():
            hits, aggregate_of = sorted(entry["hits"]), sorted(entry["aggregate_of"])
            if not hits and not aggregate_of:
                continue
            figtype = entry["type"]
            number = env.toc_fignumbers.get(page, {}).get(figtype, {}).get(figure_id)
            label = f"{figtype.capitalize()} {'.'.join(map(str, number))}" if number else figtype.capitalize()
            uri = app.builder.get_relative_uri(docname, page) + "#" + figure_id
            line = nodes.paragraph()
            line += nodes.reference(label, label, refuri=uri, internal=True)
            why = (
                f" lists the changed row{'s' if len(hits) > 1 else ''} {', '.join(hits)}"
                if hits
                else f" counts the rows of {', '.join(aggregate_of)}, where a changed row is coded "
                "(it lists no row ids)"
            )
            line += _text(f" ({env.titles[page].astext()}){why}.")
            items += nodes.list_item("", line)
    replacement = (
        items if items.children else nodes.paragraph("", "None of the figures, exhibits and tables.")
    )
    for pending in pendings:
        pending.replace_self(replacement.deepcopy())


def setup(app: Sphinx) -> dict:
    app.add_node(pending_drawn_from)
    app.add_node(page_title)
    app.connect("doctree-read", _retitle, priority=100)  # before the title collector (500)
    app.add_directive("edition-changes", EditionChangesDirective)
    app.connect("builder-inited", _setup_bar)
    app.connect("html-page-context", _add_bar)
    app.connect("env-get-outdated", _rewrite_all_when_the_record_changes)
    app.connect("doctree-resolved", _fill_drawn_from)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
