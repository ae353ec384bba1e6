"""Retention: removing answers, links and audit rows past the deployment's retention period."""
