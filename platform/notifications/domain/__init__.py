"""Pure rules of notifications: the kinds, how each may be delivered, and what is sent when."""
