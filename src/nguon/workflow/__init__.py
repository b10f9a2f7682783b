"""Multi-level approval: the policy as data, the approval chain, guards, audit and the queue."""

# Importing the guards registers them as callable from the workflow's guard expressions.
from nguon.workflow import guards  # noqa: F401
