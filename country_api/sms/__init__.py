"""Incoming SMS: the verbatim inbox, the Medic Gateway endpoint, operator templates."""
