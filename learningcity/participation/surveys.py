"""Surveys: answering (one set of answers per person, stored without the person, like
a ballot) and the results as tables and CSV."""

import csv
import io
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from learningcity.core.models import User

from . import permissions
from .models import Answer, HasAnswered, Question, QuestionKind, Survey, SurveyResponse

MAX_TEXT = 2000


def _check(question: Question, raw: list[str]) -> list[str]:
    values = [v.replace("\x00", "").strip() for v in raw if v and v.strip()]
    name = f"q{question.pk}"
    if not values:
        if question.required:
            raise ValidationError({name: _("Answer this question.")})
        return []
    if question.kind in (QuestionKind.SHORT, QuestionKind.LONG):
        limit = 200 if question.kind == QuestionKind.SHORT else MAX_TEXT
        if len(values[0]) > limit:
            raise ValidationError({name: _("At most %(n)s characters.") % {"n": limit}})
        return values[:1]
    if question.kind == QuestionKind.SCALE:
        if values[0] not in {"1", "2", "3", "4", "5"} or len(values) > 1:
            raise ValidationError({name: _("Choose a number from 1 to 5.")})
        return values
    if any(v not in question.options for v in values) or len(set(values)) != len(values):
        raise ValidationError({name: _("Choose from the listed answers.")})
    if question.kind == QuestionKind.SINGLE and len(values) > 1:
        raise ValidationError({name: _("Choose one answer.")})
    return values


def answer_survey(*, actor: User, survey: Survey, answers: dict[int, list[str]]) -> None:
    problem = permissions.why_not_take_part(actor, survey.process)
    if problem:
        raise ValidationError(problem)
    if not survey.is_open:
        raise ValidationError(_("This survey is closed."))
    checked: list[tuple[Question, list[str]]] = []
    faults: dict[str, list[str]] = {}
    for question in survey.questions.all():
        try:
            checked.append((question, _check(question, answers.get(question.pk, []))))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                faults.setdefault(field, []).extend(messages)
    if faults:
        raise ValidationError(faults)
    try:
        with transaction.atomic():
            HasAnswered.objects.create(survey=survey, user=actor)
            response = SurveyResponse.objects.create(survey=survey)
            Answer.objects.bulk_create(
                [
                    Answer(response=response, question=question, value=value)
                    for question, values in checked
                    for value in values
                ]
            )
    except IntegrityError:
        raise ValidationError(_("You have already answered this survey.")) from None


def survey_results(survey: Survey) -> list[dict[str, Any]]:
    """Per question: rows of (answer, count, share) for choices and scales, or the
    texts for open questions."""
    responses = survey.responses.count()
    rows = []
    for question in survey.questions.prefetch_related("answers"):
        values = [a.value for a in question.answers.all()]
        if question.kind in (QuestionKind.SHORT, QuestionKind.LONG):
            rows.append({"question": question, "texts": values[:200], "counts": []})
            continue
        counted = Counter(values)
        labels = (
            [str(n) for n in range(1, 6)]
            if question.kind == QuestionKind.SCALE
            else question.options
        )
        rows.append(
            {
                "question": question,
                "texts": [],
                "counts": [
                    (label, counted.get(label, 0), counted.get(label, 0) * 100 // max(responses, 1))
                    for label in labels
                ],
            }
        )
    return rows


def results_csv(survey: Survey) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question", "answer", "count"])
    for row in survey_results(survey):
        text = row["question"].text
        for label, count, _share in row["counts"]:
            writer.writerow([_safe(text), _safe(label), count])
        for value in row["texts"]:
            writer.writerow([_safe(text), _safe(value), 1])
    return out.getvalue()


def _safe(value: str) -> str:
    """No spreadsheet formula from a resident's answer."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
