from qbot.cli import cli

cli()
