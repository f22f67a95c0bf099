"""One module per subcommand; each parses arguments, calls the library, prints."""
