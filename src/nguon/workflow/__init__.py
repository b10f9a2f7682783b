"""Multi-level approval: the policy as data, the approval chain, guards, audit and the queue."""
