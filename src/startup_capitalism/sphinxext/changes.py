"""The `{manuscript-changes}` directive: a chapter's "Changes since the received manuscript".

On `chapters/NN-slug/changes.md` it lists every sentence of the chapter's pages edited (the
manuscript's and the page's wording, the differing words in bold), added or removed since the
manuscript in `sources/`, with counts. The comparison is `manuscript_changes`; this module only
renders it. The page depends on every page of its chapter, the manuscript and the TOC, so Sphinx
re-reads it whenever one of them changes.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from ..book import Book
from ..text import manuscript_changes

HEADINGS = {"edited": "Sentences edited", "added": "Sentences added", "removed": "Sentences removed"}


def page_link(docname: str) -> nodes.Node:
    """A reference to the page a change is on (resolved by Sphinx to its title, in HTML and LaTeX)."""
    reference = addnodes.pending_xref(
        "", refdomain="std", reftype="doc", reftarget="/" + docname, refexplicit=False, refwarn=True
    )
    reference += nodes.inline(docname, docname)
    return reference


def marked(runs: list[tuple[str, str]], shown: str) -> list[nodes.Node]:
    """The sentence's words, those that differ in bold (with a class for the site's colours)."""
    words: list[nodes.Node] = []
    for operation, text in runs:
        if operation not in ("same", shown):
            continue
        if words:
            words.append(nodes.Text(" "))
        if operation == "same":
            words.append(nodes.Text(text))
        else:
            words.append(nodes.strong(text, text, classes=[f"manuscript-{operation}"]))
    return words


class ManuscriptChanges(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        book = Book(Path(self.env.srcdir))
        chapter = book.chapter_of_docname(self.env.docname)
        if chapter is None:
            raise self.error("{manuscript-changes} belongs on a chapter's page (chapters/NN-slug/changes.md)")
        pages = manuscript_changes.chapter_pages(chapter, book.root)
        for path in [*pages, book.root / chapter.manuscript, book.toc_file]:
            self.env.note_dependency(str(path))
        changes = manuscript_changes.changes_since_manuscript(chapter, book.root)
        total = len(manuscript_changes.page_sentences(chapter, book.root))
        count = manuscript_changes.counts(changes)
        source = nodes.literal(chapter.manuscript, chapter.manuscript)
        summary = nodes.paragraph()
        if not changes:
            summary += [
                nodes.Text("The pages of this chapter have no changes since the received manuscript ("),
                source,
                nodes.Text(
                    f"): all {total} sentences are as received. The headings, labels, "
                    "footnote references and figure slots that the import added are "
                    "markup, not changes."
                ),
            ]
            return [summary]
        summary += [
            nodes.Text("Compared with the received manuscript ("),
            source,
            nodes.Text(
                f"), the {total} sentences of this chapter's pages have "
                f"{count['edited']} edited, {count['added']} added and "
                f"{count['removed']} removed. In an edited sentence the words that "
                "differ are in bold."
            ),
        ]
        result: list[nodes.Node] = [summary]
        for kind, heading in HEADINGS.items():
            these = [change for change in changes if change.kind == kind]
            if not these:
                continue
            result.append(nodes.rubric("", f"{heading} ({len(these)})"))
            items = nodes.enumerated_list(classes=[f"manuscript-{kind}-list"])
            for change in these:
                items += self.item(change)
            result.append(items)
        return result

    def item(self, change: manuscript_changes.Change) -> nodes.list_item:
        item = nodes.list_item()
        where = nodes.paragraph()
        where += [nodes.Text("On "), page_link(change.docname), nodes.Text(":")]
        item += where
        if change.kind == "edited":
            runs = manuscript_changes.word_diff(change.old, change.new)
            for label, shown in (("Manuscript: ", "removed"), ("Now: ", "added")):
                line = nodes.paragraph()
                line += [nodes.emphasis(label, label), *marked(runs, shown)]
                item += line
        else:
            text = change.new if change.kind == "added" else change.old
            item += nodes.paragraph(text, text)
        return item


def setup(app):
    app.add_directive("manuscript-changes", ManuscriptChanges)
    # a directive; Sphinx merges its dependencies
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
