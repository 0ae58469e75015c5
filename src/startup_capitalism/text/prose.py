"""The one reader of a page's MyST source: its front matter and its prose, with line numbers (no Sphinx).

It parses with the parser the build uses: markdown-it-py as myst-parser configures it
(`create_md_parser`), with the MyST extensions `_config.yml` enables, so that what it calls a
paragraph is what the site renders as one. The paragraph anchors (`paragraphs.py`), the quote
checks (`evidence/rules.py`), the citations (through `paragraphs.py`), the changes page
(`manuscript_changes.py`) and the fidelity tests all read pages here.

What is prose: the top-level paragraphs of the page and those in its lists and block quotes. Not
prose: front matter, targets `(name)=`, comments `%`, HTML blocks, directives and code fences (in
backticks, tildes or colons, such as a `:::{note}`), and footnote definitions, numbered or named.
Headings and the authors' own figure captions (`{glued-figure}` with `:kind: figure`: the first
paragraph of its body) are given apart, for the readers that want them.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

PARAGRAPH, HEADING, CAPTION = "paragraph", "heading", "caption"
FOOTNOTE_REFERENCE = re.compile(r"\[\^[^\]\s]+\]")
# what opens a footnote definition in the token stream (myst-parser's name, then the plugin's)
FOOTNOTE_OPENERS = ("footnote_reference_open", "footnote_open", "footnote_block_open")
FOOTNOTE_CLOSERS = tuple(opener.replace("_open", "_close") for opener in FOOTNOTE_OPENERS)
DIRECTIVE_OPTION = re.compile(r"^:([\w-]+):\s*(.*)$")
AUTHORS_FIGURE = "{glued-figure}"


class FrontMatterError(ValueError):
    """Front matter that is not valid YAML (or not a mapping); the message names the file."""


@dataclass(frozen=True)
class Block:
    kind: str  # PARAGRAPH, HEADING or CAPTION
    line: int  # the line it starts on in the page's source, 1-based (as Sphinx numbers nodes)
    source: str  # as written, markup kept, its lines joined by "\n"

    @property
    def text(self) -> str:
        """The words as written: footnote references removed, white space collapsed."""
        return " ".join(FOOTNOTE_REFERENCE.sub("", self.source).split())


@dataclass(frozen=True)
class PageSource:
    front_matter: dict
    blocks: tuple[Block, ...]

    @property
    def paragraphs(self) -> list[Block]:
        """The page's prose paragraphs, in order."""
        return [block for block in self.blocks if block.kind == PARAGRAPH]


@lru_cache(maxsize=8)
def _configured_extensions(config: Path, stamp: tuple) -> tuple[str, ...]:
    if config.suffix == ".py":  # a Sphinx project's conf.py: its literal `myst_enable_extensions = [...]`
        assigned = (
            node.value
            for node in ast.parse(config.read_text(encoding="utf-8")).body
            if isinstance(node, ast.Assign)
            and any(getattr(target, "id", None) == "myst_enable_extensions" for target in node.targets)
        )
        return tuple(sorted(next((ast.literal_eval(value) for value in assigned), ())))
    settings = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    return tuple(sorted((settings.get("parse") or {}).get("myst_enable_extensions") or ()))


def book_extensions(root: Path) -> tuple[str, ...]:
    """The MyST extensions the book at `root` enables: `parse: myst_enable_extensions` of its
    `_config.yml`, or, for a Sphinx project without one (the test fixtures), `myst_enable_extensions`
    of its `conf.py`."""
    root = Path(root)
    config = root / "_config.yml" if (root / "_config.yml").is_file() else root / "conf.py"
    if not config.is_file():
        raise FileNotFoundError(f"{root}: no _config.yml or conf.py: not a book's root")
    status = config.stat()
    return _configured_extensions(config, (status.st_mtime_ns, status.st_size))


@lru_cache(maxsize=4)
def _parser(extensions: tuple[str, ...]):
    return create_md_parser(MdParserConfig(enable_extensions=set(extensions)), RendererHTML)


def tokens(source: str, root: Path) -> list:
    """The markdown-it tokens of a page's source, parsed as the book at `root` parses it: for a
    reader that needs more than the prose (the directives a page pastes, `tools/reproduce.py`)."""
    return _parser(book_extensions(root)).parse(source)


def _authors_caption(token) -> Block | None:
    """The caption of the authors' figure slot: the first paragraph of the directive's body."""
    if not token.info.strip().startswith(AUTHORS_FIGURE):
        return None
    lines = token.content.split("\n")
    options, at = {}, 0
    while at < len(lines) and DIRECTIVE_OPTION.match(lines[at].strip()):
        key, value = DIRECTIVE_OPTION.match(lines[at].strip()).groups()
        options[key], at = value.strip(), at + 1
    if options.get("kind") != "figure":
        return None
    while at < len(lines) and not lines[at].strip():
        at += 1
    caption = []
    while at + len(caption) < len(lines) and lines[at + len(caption)].strip():
        caption.append(lines[at + len(caption)].strip())
    # the body starts on the line after the fence's opening line
    return Block(CAPTION, token.map[0] + 2 + at, "\n".join(caption)) if caption else None


def _front_matter(content: str, shown: str) -> dict:
    try:
        loaded = yaml.safe_load(content)
    except yaml.YAMLError as error:
        raise FrontMatterError(f"{shown}: front matter is not valid YAML: {error}") from error
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise FrontMatterError(
            f"{shown}:2: front matter must be a mapping of keys, not {type(loaded).__name__}"
        )
    return loaded


def read_source(source: str, extensions: tuple[str, ...] | None = None, shown: str = "<page>") -> PageSource:
    """A page's front matter and blocks, parsed with the MyST `extensions` of its book
    (`book_extensions(root)`); a text given with none (a test's page) is read as the book this
    package belongs to reads its pages."""
    if extensions is None:
        from ..book import Book

        extensions = Book.from_here().myst_extensions()
    tokens = _parser(tuple(sorted(extensions))).parse(source)
    front: dict = {}
    blocks: list[Block] = []
    in_footnote = 0
    for index, token in enumerate(tokens):
        if token.type == "front_matter":
            front = _front_matter(token.content, shown)
        elif token.type in FOOTNOTE_OPENERS:
            in_footnote += 1
        elif token.type in FOOTNOTE_CLOSERS:
            in_footnote -= 1
        elif in_footnote:
            continue
        elif token.type in ("paragraph_open", "heading_open"):
            inline = tokens[index + 1]
            kind = PARAGRAPH if token.type == "paragraph_open" else HEADING
            blocks.append(Block(kind, token.map[0] + 1, inline.content))
        elif token.type in ("fence", "colon_fence"):
            caption = _authors_caption(token)
            if caption is not None:
                blocks.append(caption)
    return PageSource(front, tuple(blocks))


@lru_cache(maxsize=256)
def _read_page(page: Path, stamp: tuple, extensions: tuple[str, ...]) -> PageSource:
    return read_source(page.read_text(encoding="utf-8"), extensions, shown=str(page))


def book_root_of(page: Path) -> Path:
    """The root of the book a page belongs to (`Book.containing`); an error for a page in no book."""
    from ..book import Book  # the book model reads its pages here: imported when first needed

    return Book.containing(page).root


def read_page(page: Path, root: Path | None = None) -> PageSource:
    """A page file read as `read_source` reads text, with the extensions of the book at `root`
    (by default the book holding the page, an error when none does); cached on the file's
    time and size, so a long-running process (the preview) sees every edit."""
    page = page.resolve()
    root = book_root_of(page) if root is None else root
    status = page.stat()
    return _read_page(page, (status.st_mtime_ns, status.st_size), book_extensions(root))


def front_matter(page: Path) -> dict:
    """The front matter of a page, `{}` when it has none; a located error when it is not YAML.
    A copy: the cached reading stays as the file is."""
    return copy.deepcopy(read_page(page).front_matter)
