"""The `customer-activation` command line (cli.main)."""
