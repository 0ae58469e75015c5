"""The book's commands, one job per module, run by `python -m startup_capitalism COMMAND` (and so by
`make`): `build` (html, book), `preview`, `chapter`, `validate`, `reproduce`, `reexecute`.

Every command takes the book it works on (`Book`, from `--root`; by default the working folder's)
and calls the others' functions, never their printed lines.
"""
