"""The form library: form definitions as data, their question types, and the
published versions. Imports nothing from pages, APIs or other features."""
