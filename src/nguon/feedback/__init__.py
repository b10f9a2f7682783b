"""Citizen feedback and surveys: citizens report, officials answer on time; units ask.

A citizen files a report (phản ánh, kiến nghị) without an account; it lands at the unit that
handles its category and place (``policies/feedback.yaml``), is handled within a due date in
Vietnamese working days, escalates to the unit above when that passes, and is closed by a
public answer that passes the approval workflow like any item. Only scrubbed text and cleaned
photos are ever published. Units publish surveys to their area and the results. docs/feedback.md.
"""
