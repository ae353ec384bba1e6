"""Web Push: subscriptions (a respondent's one reminder, a worker's "answers
are waiting on your device", a duty contact's "a follow-up needs you"), the
reasons to send, and `pace-forms send-due`, which sends them (VAPID, aes128gcm)."""
