"""Accounts for the people who act on answers: users with a role and areas,
signing in and out, changing a password, and the commands that manage them."""
