"""Pure domain functions of the performance core: status, trends, calculation, targets and
validation. No ORM and no settings: every interface (pages, REST, GraphQL, imports, tasks)
calls these so the rules live in one place. Numbers are Decimal throughout."""
