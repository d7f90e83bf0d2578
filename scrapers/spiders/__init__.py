"""Spiders: one per site profile (named after it)."""
