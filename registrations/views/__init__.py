"""Registration pages: participants (register, manage a registration by its secret link) and
organisers (registrations, CSV export, ticket types, check-in at the door)."""
