"""Nothing in the voting tables gives away the order of ballots or voters: every row of
a ballot, its choices and the "has voted" record has a random key and no time, so the
k-th voter cannot be matched with the k-th ballot."""

from django.db import models

from learningcity.participation.models import Ballot, BallotChoice, HasVoted


def test_vote_rows_have_random_keys_and_no_time_or_person_on_the_ballot():
    for model in (Ballot, BallotChoice, HasVoted):
        assert isinstance(model._meta.pk, models.UUIDField), model.__name__
        kinds = {type(field) for field in model._meta.concrete_fields}
        assert not kinds & {models.DateTimeField, models.DateField, models.AutoField}
    ballot_links = {
        field.related_model for field in Ballot._meta.concrete_fields if field.is_relation
    } | {field.related_model for field in BallotChoice._meta.concrete_fields if field.is_relation}
    assert all("User" not in model.__name__ for model in ballot_links)
