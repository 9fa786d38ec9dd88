"""Lexicometry as IRaMuTeQ does it: lexical statistics, specificities, Reinert classes, similitudes.

Every analysis that a user runs is recorded with its parameters and versions
(``runs``), so that it can be listed and re-run.
"""
