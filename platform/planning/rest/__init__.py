"""The golden thread's REST API under /api/v1/planning/. Each view parses input with its
nested Input serializer, checks the role (`planning.permissions`), calls one selector or
service, and answers with its Output serializer; errors use the platform's one error body."""
