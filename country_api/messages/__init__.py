"""Outbound messages: every SMS (later WhatsApp) we send, with its delivery status."""
