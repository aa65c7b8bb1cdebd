"""The `truce` command line: the application layer on top of `sim` (and later experiments, dashboards)."""
