"""One module per `offgrid` subcommand."""
