"""Quotes: citable sentences for a theme or a query, their sources, filters, concordance and pseudonymisation."""
