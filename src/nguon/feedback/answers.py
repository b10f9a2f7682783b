"""Answers are items: when the bulletin that answers a report is published, the report is
closed; when its draft is deleted before publication, the report waits for another answer
(``nguon.feedback.lifecycle``). A refused draft stays the report's answer: its writer
revises it and sends it again, as with any item."""

from nguon.feedback import lifecycle
from nguon.workflow.state import review_state


def after_transition(item, event):
    if event.transition is not None and review_state(item) == "published":
        lifecycle.answer_published(item)


def removed(item, event):
    lifecycle.answer_withdrawn(item)
