"""Conversations, channel-neutral: they take an Incoming and return Replies."""
