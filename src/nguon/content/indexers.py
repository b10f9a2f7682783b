"""Catalog indexers of the content types."""

from nguon.content.alert import IAlert
from nguon.content.alert import infos
from nguon.content.board_notice import IBoardNotice
from nguon.content.file_text import text_of
from nguon.content.legal_document import ILegalDocument
from nguon.content.radio_item import IRadioItem
from nguon.content.survey import ISurvey
from nguon.content.survey import questions
from nguon.content.unit import IAdministrativeUnit
from plone.indexer import indexer


@indexer(IAdministrativeUnit)
def unit_code(unit):
    return unit.code


@indexer(IAdministrativeUnit)
def unit_level(unit):
    return unit.level


def _joined(*parts):
    return " ".join(part for part in parts if part)


@indexer(ILegalDocument)
def legal_document_text(document):
    """Title, summary, number, issuing body, signer and the text of the attached file."""
    return _joined(
        document.title,
        document.description,
        document.number,
        document.issuing_body,
        document.signer,
        text_of(document),
    )


@indexer(IRadioItem)
def radio_item_text(item):
    return _joined(item.title, item.description, item.script)


@indexer(IBoardNotice)
def board_notice_text(notice):
    return _joined(notice.title, notice.description, notice.text)


@indexer(IAlert)
def alert_text(alert):
    """Every language's headline, event, description and instruction."""
    return _joined(
        *(
            part
            for info in infos(alert)
            for part in (info.headline, info.event, info.description, info.instruction)
        )
    )


@indexer(ISurvey)
def survey_text(survey):
    """Title, summary, and every question with its options."""
    return _joined(
        survey.title,
        survey.description,
        *(
            part
            for question in questions(survey)
            for part in (question.text, *question.options)
        ),
    )
