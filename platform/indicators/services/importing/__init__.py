"""Import of values and targets from CSV and XLSX files.

`reader` turns bytes into numbered rows of text, `validator` checks every row against the
organisation's PIs and says what would change, `preview` and `commit` run those for an
`ImportJob` on a Celery worker through `tasks` (the web only stores the upload and queues
them; see `core.uploads`), and `views` are the pages. Rules about values live in
`services.values.value_check` and the domain functions; this package only applies them to
many rows at once.
"""
