"""HTML pages of the events app, one module per area: organisations, public, planning, venues."""
