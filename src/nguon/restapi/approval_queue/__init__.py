"""``GET @approval-queue``: what waits for the current user's approval."""
