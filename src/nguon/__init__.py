"""Nguồn: the source information system of Vietnam's grassroots information network."""

from zope.i18nmessageid import MessageFactory


_ = MessageFactory("nguon")
