"""warta: pipeline."""
