"""The reporting app's rules of its own (report definitions and the pack shape)."""
