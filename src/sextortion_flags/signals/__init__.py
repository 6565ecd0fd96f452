"""Conversation-level signals: timing of the escalation, account metadata, claimed ages."""
