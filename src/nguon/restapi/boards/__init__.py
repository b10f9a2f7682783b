"""The board API (``nguon.restapi.boards.services``)."""
