"""The survey (khảo sát, lấy ý kiến): an information item whose body is a list of questions.

A unit asks the people of its area; the survey passes the approval workflow like a bulletin
(same policy, same reach rules) and goes to the web only. Its answering window is Plone's
publication dates (``effective_date``, ``expiration_date``: the plone.publication behaviour's
"publishing date" and "expiration date", which every channel already honours). Answers and
results are kept by ``nguon.feedback.surveys``, never on the item.

The questions are written in a textarea, one block per question (blocks apart by an empty
line), as a paper form looks; :func:`parse_questions` turns the text into
:class:`Question` s and refuses, with the block's number, what it cannot read:

    Bạn thường nghe đài vào lúc nào? *
    ( ) Sáng sớm
    ( ) Buổi trưa

    Bạn muốn nghe thêm nội dung nào?
    [ ] Tin thời sự
    [ ] Thông báo của phường

    Bạn đánh giá chất lượng âm thanh thế nào?
    1-5: Rất kém | Rất tốt

    Ý kiến khác của bạn

The first line is the question (a final ``*`` makes it required); ``( )`` lines are the
options of a single choice, ``[ ]`` lines those of a multiple choice (2 to 12), a ``1-5``
line makes a scale from 1 to 5 (labels of its ends after ``:``, apart by ``|``), and a
question alone is answered in free text. Questions are numbered ``q1``, ``q2``… and options
``1``, ``2``… in the order written.
"""

from dataclasses import asdict
from dataclasses import dataclass
from functools import lru_cache
from nguon import _
from nguon.content.distribution import IDistributed
from nguon.content.validation import Refused
from nguon.content.validation import value_constraint
from plone.autoform import directives
from plone.dexterity.content import Item
from zope import schema
from zope.interface import implementer

import re


SINGLE, MULTIPLE, SCALE, TEXT = "single", "multiple", "scale", "text"
KINDS = (SINGLE, MULTIPLE, SCALE, TEXT)
MIN_OPTIONS, MAX_OPTIONS = 2, 12
MAX_QUESTIONS = 30
SCALE_POINTS = (1, 2, 3, 4, 5)
TEXT_MAX_CHARACTERS = 2000
"""The longest free-text answer kept (the forms say so; longer is refused)."""

CHALLENGE, CONTACT = "challenge", "contact"
ANSWER_MODES = (
    (
        CHALLENGE,
        _(
            "survey_mode_challenge",
            default="Xác minh chống thư rác (mỗi lần xác minh và mỗi trình duyệt một câu trả lời)",
        ),
    ),
    (
        CONTACT,
        _(
            "survey_mode_contact",
            default="Thư điện tử đã xác minh (mỗi địa chỉ một câu trả lời)",
        ),
    ),
)

_OPTION = re.compile(r"^(\(\s?\)|\[\s?\])\s*(.*)$")
_SCALE = re.compile(r"^1\s*-\s*5\s*(?::\s*(.*))?$")


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    text: str
    options: tuple = ()
    low: str = ""
    high: str = ""
    required: bool = False

    def as_dict(self):
        """The question as JSON (``@survey-results``, the citizen app): options as
        ``{"id", "title"}``."""
        shape = asdict(self)
        shape["options"] = [
            {"id": str(number), "title": title}
            for number, title in enumerate(self.options, 1)
        ]
        return shape

    @property
    def option_ids(self):
        return tuple(str(number) for number in range(1, len(self.options) + 1))


def _question(number, lines):
    text, *rest = lines
    required = text.endswith("*")
    text = text.rstrip("*").strip()
    if not text:
        raise Refused(
            _(
                "error_survey_no_text",
                default="Câu hỏi thứ ${number}: thiếu nội dung câu hỏi.",
                mapping={"number": number},
            )
        )
    if not rest:
        return Question(f"q{number}", TEXT, text, required=required)
    scale = _SCALE.match(rest[0])
    if scale and len(rest) == 1:
        low, _sep, high = (scale.group(1) or "").partition("|")
        return Question(
            f"q{number}", SCALE, text, (), low.strip(), high.strip(), required
        )
    marks, options = set(), []
    for line in rest:
        option = _OPTION.match(line)
        if option is None or not option.group(2).strip():
            raise Refused(
                _(
                    "error_survey_line",
                    default="Câu hỏi thứ ${number}: dòng «${line}» không phải lựa chọn "
                    "«( ) …» hay «[ ] …», hay thang điểm «1-5: … | …».",
                    mapping={"number": number, "line": line},
                )
            )
        marks.add(option.group(1)[0])
        options.append(option.group(2).strip())
    if len(marks) > 1:
        raise Refused(
            _(
                "error_survey_mixed",
                default="Câu hỏi thứ ${number}: không trộn «( )» (chọn một) với «[ ]» "
                "(chọn nhiều).",
                mapping={"number": number},
            )
        )
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise Refused(
            _(
                "error_survey_options",
                default="Câu hỏi thứ ${number}: cần từ ${low} đến ${high} lựa chọn.",
                mapping={"number": number, "low": MIN_OPTIONS, "high": MAX_OPTIONS},
            )
        )
    if len(set(options)) < len(options):
        raise Refused(
            _(
                "error_survey_repeated",
                default="Câu hỏi thứ ${number}: có lựa chọn bị lặp lại.",
                mapping={"number": number},
            )
        )
    kind = SINGLE if marks == {"("} else MULTIPLE
    return Question(f"q{number}", kind, text, tuple(options), required=required)


@lru_cache(maxsize=256)
def parse_questions(text):
    """The :class:`Question` s written in ``text`` (see the module's docstring); raises
    :class:`nguon.content.validation.Refused` naming the block that cannot be read."""
    blocks, block = [], []
    for line in (text or "").splitlines() + [""]:
        line = line.strip()
        if line:
            block.append(line)
        elif block:
            blocks.append(block)
            block = []
    if not blocks:
        raise Refused(
            _("error_survey_empty", default="Khảo sát cần ít nhất một câu hỏi.")
        )
    if len(blocks) > MAX_QUESTIONS:
        raise Refused(
            _(
                "error_survey_too_many",
                default="Khảo sát có tối đa ${limit} câu hỏi.",
                mapping={"limit": MAX_QUESTIONS},
            )
        )
    return tuple(_question(number, lines) for number, lines in enumerate(blocks, 1))


def questions(survey):
    """The survey's questions (parsed once per text)."""
    return parse_questions(survey.questions or "")


class ISurvey(IDistributed):
    """Title, description and the answering window (publication dates) come from
    behaviors; field, priority and target area from IDistributed."""

    questions = schema.Text(
        title=_("label_survey_questions", default="Câu hỏi"),
        description=_(
            "help_survey_questions",
            default="Mỗi câu hỏi một đoạn, các đoạn cách nhau một dòng trống. Dòng đầu là "
            "câu hỏi (thêm dấu * ở cuối nếu bắt buộc trả lời). Chọn một: mỗi lựa chọn một "
            "dòng bắt đầu bằng «( )». Chọn nhiều: mỗi lựa chọn một dòng bắt đầu bằng «[ ]» "
            "(từ 2 đến 12 lựa chọn). Thang điểm: một dòng «1-5: nhãn thấp | nhãn cao». Câu "
            "hỏi không có dòng nào bên dưới: người dân tự viết câu trả lời.",
        ),
        required=True,
        constraint=value_constraint(parse_questions),
    )

    answer_mode = schema.Choice(
        title=_("label_survey_answer_mode", default="Cách xác minh người trả lời"),
        vocabulary=schema.vocabulary.SimpleVocabulary(
            [
                schema.vocabulary.SimpleTerm(value, value, title)
                for value, title in ANSWER_MODES
            ]
        ),
        default=CHALLENGE,
        required=True,
    )

    # Set only by the «Công bố kết quả» action of an approver of the survey's unit
    # (``nguon.feedback.surveys.publish_results``): never in the forms, never by an editor.
    directives.omitted("results_public")
    directives.write_permission(results_public="cmf.ReviewPortalContent")
    results_public = schema.Bool(
        title=_("label_survey_results_public", default="Đã công bố kết quả"),
        default=False,
        required=False,
    )


@implementer(ISurvey)
class Survey(Item):
    """A survey of an administrative unit."""
