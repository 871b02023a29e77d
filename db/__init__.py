"""warta: db."""
