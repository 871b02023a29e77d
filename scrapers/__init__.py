"""warta: scrapers."""
