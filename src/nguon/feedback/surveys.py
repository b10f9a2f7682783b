"""Citizens' answers to surveys and their live results.

A survey (``nguon.content.survey``) is an information item; what people answer is not
content but rows in one ``SurveyStore`` in the site's annotations (``KEY``), made by
``install``. Its BTrees are shaped so that two citizens answering at the same moment write
different keys, which BTrees' conflict resolution merges, and share only counters, which
``BTrees.Length.Length`` merges by adding what each added:

- ``answers``: ``(survey UID, answer id)`` -> the answer as kept, ``(time, ((question id,
  value), …))`` (free text already scrubbed): insert-only, never changed. Values in the
  trees are tuples, strings and numbers, never dicts: resolving a conflict compares the
  values of a bucket, and dicts cannot be ordered.
- ``counts``: ``(survey UID, question id, value)`` -> ``Length``: how many chose an option
  (value = option id), gave a scale point (value = ``"1"`` … ``"5"``) or answered the
  question at all (value ``""``); ``totals``: survey UID -> ``Length`` of answers.
- ``texts``: ``(survey UID, question id, answer id)`` -> ``(time, text)``: a free-text
  answer (the newest first, as answer ids begin with the time counted down), scrubbed
  with ``privacy.scrub_text`` (phone, identity and plate numbers and e-mail addresses masked)
  before it is kept: the raw text is never stored.
- ``seen``: ``(survey UID, proof hash)`` -> answer id: the one-answer rule. A survey in the
  ``challenge`` mode takes one answer per solved ALTCHA proof (the challenge itself is used
  once site-wide, ``nguon.feedback.challenge``) and per browser (the faces keep a cookie);
  one in the ``contact`` mode takes one answer per e-mail address, proven by a six-digit
  code mailed to it (``request_code``), whose hash with the survey's UID is remembered.
- ``codes``: ``(survey UID, contact hash)`` -> ``(code hash, expiry)``, until used.

A counter is made by the first answer that needs it; two first answers at once conflict
once, and Zope retries the later one. Results are read from the counters, never by walking
the answers, so a survey of a whole province answers its results page at once.
"""

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from dataclasses import dataclass
from datetime import timedelta
from nguon import _
from nguon.annotations import site_state
from nguon.content.survey import CONTACT
from nguon.content.survey import MULTIPLE
from nguon.content.survey import questions
from nguon.content.survey import SCALE
from nguon.content.survey import SCALE_POINTS
from nguon.content.survey import SINGLE
from nguon.content.survey import TEXT
from nguon.content.survey import TEXT_MAX_CHARACTERS
from nguon.errors import UserError
from nguon.feedback import challenge
from nguon.feedback.notify import Mail
from nguon.feedback.notify import send_after_commit
from nguon.feedback.privacy import scrub_text
from nguon.feedback.store import iso
from nguon.feedback.store import newest_first
from nguon.feedback.store import utcnow
from nguon.feedback.throttle import normal_contact
from nguon.feedback.throttle import THROTTLE
from nguon.workflow.state import review_state
from persistent import Persistent
from plone import api
from zope.i18n import translate

import hashlib
import hmac
import secrets


KEY = "nguon.feedback.surveys"
CODE_MINUTES = 30
"""How long a code mailed to answer a survey stays good."""
TEXTS_SHOWN = 200
"""Free-text answers listed per question in the results (the newest first)."""


class SurveyStore(Persistent):
    def __init__(self):
        self.answers = OOBTree()
        self.counts = OOBTree()
        self.totals = OOBTree()
        self.texts = OOBTree()
        self.seen = OOBTree()
        self.codes = OOBTree()

    def _count(self, key, tree=None):
        tree = self.counts if tree is None else tree
        counter = tree.get(key)
        if counter is None:
            counter = tree[key] = Length()
        counter.change(1)

    def keep(self, uid, asked, kept, seen_key, now):
        """Keep an answer already checked: ``kept`` maps the ``asked`` questions' ids to
        their kept values (None when unanswered); ``seen_key`` marks who answered. Every
        write is an insert of a key of its own or a ``Length`` change. Returns its id."""
        answer_id = f"{newest_first(now)}-{secrets.token_hex(4)}"
        self.seen[(uid, seen_key)] = answer_id
        self.answers[(uid, answer_id)] = (
            iso(now),
            tuple(
                (key, tuple(value) if isinstance(value, list) else value)
                for key, value in sorted(kept.items())
            ),
        )
        self._count(uid, self.totals)
        for question in asked:
            value = kept[question.id]
            if value is None:
                continue
            self._count((uid, question.id, ""))
            if question.kind == TEXT:
                self.texts[(uid, question.id, answer_id)] = (iso(now), value)
            else:
                for chosen in value if question.kind == MULTIPLE else [value]:
                    self._count((uid, question.id, chosen))
        return answer_id


def install(portal):
    """Make the store of answers (idempotent)."""
    return site_state(portal, KEY, SurveyStore, create=True)


def _store():
    found = site_state(api.portal.get(), KEY, SurveyStore)
    if found is None:
        raise UserError(
            _("error_survey_not_installed", default="Trang này chưa nhận khảo sát.")
        )
    return found


@dataclass(frozen=True)
class Proof:
    """What shows that an answer is one person's first: the ALTCHA payload and whether the
    browser already holds the survey's cookie (``challenge`` mode), or the e-mail address and
    the code mailed to it (``contact`` mode)."""

    challenge: str = ""
    answered_cookie: bool = False
    email: str = ""
    code: str = ""


def _digest(*parts):
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


# -- the answering window ----------------------------------------------------------------


def _moment(value):
    return value.asdatetime() if value is not None else None


def window(survey):
    """``(opens, closes)`` as aware datetimes (or None): Plone's publication dates."""
    return (
        _moment(getattr(survey, "effective_date", None)),
        _moment(getattr(survey, "expiration_date", None)),
    )


def is_open(survey, now=None):
    """Whether the survey takes answers: published, its opening passed, not closed."""
    now = now or utcnow()
    opens, closes = window(survey)
    return (
        review_state(survey) == "published"
        and (opens is None or opens <= now)
        and (closes is None or now < closes)
    )


def _check_open(survey, now):
    if review_state(survey) != "published":
        raise UserError(
            _(
                "error_survey_not_published",
                default="Khảo sát này chưa được phát hành nên chưa nhận câu trả lời.",
            )
        )
    if not is_open(survey, now):
        raise UserError(
            _(
                "error_survey_closed",
                default="Khảo sát này không nhận câu trả lời vào lúc này (chưa mở hoặc "
                "đã kết thúc).",
            )
        )


# -- one answer per person ---------------------------------------------------------------


def _contact_key(survey, email):
    """The e-mail address, normalised, hashed with the survey's UID (the address itself is
    not kept; the same address gives another hash in another survey)."""
    value = normal_contact(email)
    if "@" not in value or "." not in value.rsplit("@", 1)[-1] or " " in value:
        raise UserError(
            _("error_survey_email", default="Địa chỉ thư điện tử không hợp lệ.")
        )
    return value, _digest("contact", survey.UID(), value)


def request_code(survey, email, payload, now=None):
    """Mail a six-digit code to ``email`` for answering ``survey`` (``contact`` mode). The
    request costs a solved ALTCHA ``payload`` and counts towards the address's limits
    (``throttle``), so the site cannot be made to mail a stranger over and over. The mail
    leaves when the transaction is committed. Returns the code (for the tests)."""
    now = now or utcnow()
    _check_open(survey, now)
    if survey.answer_mode != CONTACT:
        raise UserError(
            _(
                "error_survey_no_contact",
                default="Khảo sát này không xác minh bằng thư điện tử.",
            )
        )
    address, key = _contact_key(survey, email)
    store = _store()
    if (survey.UID(), key) in store.seen:
        _already()
    challenge.verify(api.portal.get(), payload)
    THROTTLE.admit(address)
    code = f"{secrets.randbelow(10**6):06d}"
    expires = now + timedelta(minutes=CODE_MINUTES)
    store.codes[(survey.UID(), key)] = (_digest("code", code), expires.timestamp())
    mail = Mail(
        recipient=address,
        subject=translate(
            _("survey_code_subject", default="Mã xác minh để trả lời khảo sát"),
            target_language="vi",
        ),
        body=translate(
            _(
                "survey_code_body",
                default="Mã xác minh của ông/bà để trả lời khảo sát «${title}» là: "
                "${code}. Mã có hiệu lực trong ${minutes} phút, dùng được một lần. "
                "Nếu ông/bà không yêu cầu mã này, xin bỏ qua thư.",
                mapping={
                    "title": survey.Title(),
                    "code": code,
                    "minutes": CODE_MINUTES,
                },
            ),
            target_language="vi",
        )
        + f"\n\n{survey.absolute_url()}\n",
    )
    send_after_commit([mail])
    return code


def _already():
    raise UserError(
        _(
            "error_survey_already",
            default="Ông/bà đã trả lời khảo sát này; mỗi người chỉ trả lời một lần.",
        )
    )


def _proven(survey, proof, now):
    """The ``seen`` key of this answer once its proof holds (else a ``UserError``)."""
    store, uid = _store(), survey.UID()
    if survey.answer_mode == CONTACT:
        address, key = _contact_key(survey, proof.email)
        if (uid, key) in store.seen:
            _already()
        THROTTLE.admit(address)
        sent = store.codes.get((uid, key))
        if not (
            sent
            and now.timestamp() <= sent[1]
            and hmac.compare_digest(
                sent[0], _digest("code", (proof.code or "").strip())
            )
        ):
            raise UserError(
                _(
                    "error_survey_code",
                    default="Mã xác minh không đúng hoặc đã hết hạn; hãy xin mã mới.",
                )
            )
        del store.codes[(uid, key)]
        return key
    if proof.answered_cookie:
        _already()
    key = _digest("challenge", proof.challenge or "")
    if (uid, key) in store.seen:
        _already()
    challenge.verify(api.portal.get(), proof.challenge)
    return key


# -- answering ---------------------------------------------------------------------------


def _value(question, value):
    """The answer to ``question`` as kept (an option id, a list of them, a scale point as
    text, scrubbed free text), or None when it was left unanswered."""
    if value in (None, "", [], ()):
        return None
    if question.kind == SINGLE:
        if not isinstance(value, str) or value not in question.option_ids:
            _not_an_option(question)
        return value
    if question.kind == MULTIPLE:
        chosen = [value] if isinstance(value, str) else value
        if not isinstance(chosen, list | tuple) or not all(
            isinstance(item, str) and item in question.option_ids for item in chosen
        ):
            _not_an_option(question)
        return sorted(set(chosen), key=int)
    if question.kind == SCALE:
        point = str(value).strip()
        if point not in {str(number) for number in SCALE_POINTS}:
            _not_an_option(question)
        return point
    if not isinstance(value, str):
        _not_an_option(question)
    text = value.strip()
    if len(text) > TEXT_MAX_CHARACTERS:
        raise UserError(
            _(
                "error_survey_text_long",
                default="Câu trả lời cho «${question}» dài quá ${limit} ký tự.",
                mapping={"question": question.text, "limit": TEXT_MAX_CHARACTERS},
            )
        )
    return scrub_text(text) or None


def _not_an_option(question):
    raise UserError(
        _(
            "error_survey_option",
            default="Câu trả lời cho «${question}» không nằm trong các lựa chọn của câu hỏi.",
            mapping={"question": question.text},
        )
    )


def _kept(survey, values):
    """Every question's kept value (checked); refuses what the survey does not ask."""
    if not isinstance(values, dict):
        values = {}
    asked = questions(survey)
    unknown = set(values) - {question.id for question in asked}
    if unknown:
        raise UserError(
            _(
                "error_survey_unknown_question",
                default="Khảo sát không có câu hỏi «${id}».",
                mapping={"id": sorted(unknown)[0]},
            )
        )
    kept = {
        question.id: _value(question, values.get(question.id)) for question in asked
    }
    for question in asked:
        if question.required and kept[question.id] is None:
            raise UserError(
                _(
                    "error_survey_required",
                    default="Cần trả lời câu hỏi «${question}».",
                    mapping={"question": question.text},
                )
            )
    if all(value is None for value in kept.values()):
        raise UserError(
            _("error_survey_blank", default="Ông/bà chưa trả lời câu hỏi nào.")
        )
    return kept


def answer(survey, values, proof, now=None):
    """Keep one citizen's answer to ``survey``: ``values`` maps question ids to an option
    id (single), a list of option ids (multiple), a point 1-5 (scale) or a text (free);
    ``proof`` is a :class:`Proof`. Refuses with a ``UserError`` saying why (not published,
    closed, a required question left blank, an option not offered, already answered, a proof
    that does not hold) and keeps nothing then. Returns the answer's id."""
    now = now or utcnow()
    _check_open(survey, now)
    kept = _kept(survey, values)
    seen_key = _proven(survey, proof, now)
    return _store().keep(survey.UID(), questions(survey), kept, seen_key, now)


# -- results -------------------------------------------------------------------------------


def _percent(part, whole):
    return round(100.0 * part / whole, 1) if whole else 0.0


def _question_results(store, uid, question, texts_shown):
    def count(value):
        counter = store.counts.get((uid, question.id, value))
        return counter() if counter is not None else 0

    answered = count("")
    shape = {**question.as_dict(), "answered": answered}
    if question.kind in (SINGLE, MULTIPLE):
        for option in shape["options"]:
            option["count"] = count(option["id"])
            option["percent"] = _percent(option["count"], answered)
    elif question.kind == SCALE:
        points = [(point, count(str(point))) for point in SCALE_POINTS]
        given = sum(number for _point, number in points)
        shape["distribution"] = [
            {"value": point, "count": number, "percent": _percent(number, given)}
            for point, number in points
        ]
        shape["mean"] = (
            round(sum(point * number for point, number in points) / given, 2)
            if given
            else None
        )
    else:
        rows = store.texts.values(
            min=(uid, question.id, ""), max=(uid, question.id, "~")
        )
        shape["texts"] = [
            {"at": at, "text": text}
            for _n, (at, text) in zip(range(texts_shown), rows, strict=False)
        ]
    return shape


def results(survey, texts_shown=TEXTS_SHOWN):
    """The live results: ``total`` answers, and per question its counts and percentages
    (of those who answered it) per option, a scale's distribution and mean, the newest
    free-text answers (scrubbed), with ``answered`` per question; ``open`` and ``public``
    say whether it still takes answers and whether its results were published."""
    store, uid = _store(), survey.UID()
    total = store.totals.get(uid)
    opens, closes = window(survey)
    return {
        "total": total() if total is not None else 0,
        "open": is_open(survey),
        "opens": iso(opens) if opens else None,
        "closes": iso(closes) if closes else None,
        "public": bool(survey.results_public),
        "questions": [
            _question_results(store, uid, question, texts_shown)
            for question in questions(survey)
        ],
    }


def may_see_results(survey):
    """Officials of the survey's unit (who may write items there, or review the survey)
    always, live; the public once the unit published the results."""
    return (
        bool(survey.results_public)
        or may_publish_results(survey)
        or api.user.has_permission("Add portal content", obj=survey.aq_parent)
    )


def may_publish_results(survey):
    """An approver of the survey's unit (or of a unit above): Review portal content."""
    return api.user.has_permission("Review portal content", obj=survey)


def publish_results(survey):
    """Make the results public (the «Công bố kết quả» action; the faces check
    :func:`may_publish_results`). Only a published survey's results are published."""
    if review_state(survey) != "published":
        raise UserError(
            _(
                "error_survey_results_unpublished",
                default="Chỉ công bố kết quả của khảo sát đã phát hành.",
            )
        )
    survey.results_public = True
