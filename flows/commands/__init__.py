"""The `loopkeeper` command line: the Typer app and what its commands run."""
