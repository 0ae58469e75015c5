"""The authors' text: a page's prose (read with the book's MyST parser), its paragraphs,
the manuscript format, citations and the works cited."""
