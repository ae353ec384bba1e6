"""The audit log: recording events, listing them, and `pace-forms audit`."""
