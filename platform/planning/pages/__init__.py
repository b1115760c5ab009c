"""Pages of the golden thread. Each view parses the request, asks `planning.permissions`,
calls one selector or service, and renders; refused requests become an error page."""
