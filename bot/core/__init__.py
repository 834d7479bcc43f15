"""Shared by every feature and transport: conversation types, services, clock, storage."""
