"""Kiosk mode: one tablet handed round a review meeting with no signal. The
page (/reviews/<id>/collect) carries every respondent's form; static/js/kiosk.js
keeps it for offline use and queues each response with the review, never a
link token; recording checks the worker's session per item."""
