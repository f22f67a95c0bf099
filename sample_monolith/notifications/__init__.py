"""Notifications: e-mails to customers and alerts to operations, driven by signals."""
