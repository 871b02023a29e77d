"""Site adapters."""
