"""warta: extractors."""
