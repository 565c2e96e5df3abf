"""Notices: staff publish to clients, sites and service tiers; the portal records receipts."""
