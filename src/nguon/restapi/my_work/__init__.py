"""``GET @my-work``: an editor's and approver's lists of work (docs/approval.md)."""
