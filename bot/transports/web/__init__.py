"""The admin web console: a read-only Starlette app on loopback, logged in by token."""
