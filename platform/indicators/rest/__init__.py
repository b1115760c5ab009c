"""REST API of the performance core, under /api/v1/indicators/. Views parse and shape; the
services decide and the selectors read."""
