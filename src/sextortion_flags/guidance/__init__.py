"""Guidance for the reader of a report: what to do next, and where to report or find help.

`services` holds the verified directory of reporting services and helplines; `advice` chooses,
from a report, the ordered advice that points to them.
"""
