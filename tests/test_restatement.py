"""Machine-proposed restatements: a sentence that leans on the one before gets a wording that stands alone."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from claims import services
from claims.detection.attribution import parse
from claims.detection.restatement import restate
from claims.ingestion import Submission, submit_article
from claims.models import Claim
from tests.factories import EditorFactory

PUBLISHED = date(2025, 5, 7)  # a Wednesday


def proposal(previous: str, sentence: str, claimant: str = "") -> str:
    before, doc = parse([previous, sentence])
    return restate(doc, [before], claimant=claimant, published=PUBLISHED)


def test_he_said_is_restated_with_the_claimant():
    assert (
        proposal("Jane Roe runs the plant.", "He said the plant would cut 40 jobs.", claimant="Jane Roe")
        == "Jane Roe said the plant would cut 40 jobs."
    )


def test_it_is_restated_with_the_subject_of_the_previous_sentence():
    assert (
        proposal("The county budget was approved in March.", "It rose 12% to $4 million.")
        == "The county budget rose 12% to $4 million."
    )


def test_its_is_restated_as_the_possessive_of_the_previous_subject():
    assert (
        proposal("The city council met on Monday.", "Its deficit reached $2 million.")
        == "The city council’s deficit reached $2 million."
    )


def test_this_with_a_noun_is_restated_with_that_noun_as_first_written():
    assert (
        proposal("The council approved a housing plan for 300 homes.", "This plan costs $9 million.")
        == "A housing plan costs $9 million."
    )


def test_relative_dates_are_pinned_to_the_article_date():
    assert (
        proposal("Prices were stable.", "Exports fell 5% this year and rose on Tuesday.")
        == "Exports fell 5% this year (2025) and rose on Tuesday (6 May 2025)."
    )


@pytest.mark.parametrize(
    ("previous", "sentence"),
    [
        ("Prices were stable.", "Exports fell 5% in 2024."),  # stands alone already
        ("Prices were stable.", "This is the highest level since 2010."),  # "this" is a whole statement
        ("Prices were stable.", "It is unclear whether exports fell in 2024."),  # "it" stands for nothing
        ("Ford QC sat.", "His Honour Judge Neil Ford sentenced Hartley to three years."),  # a title
    ],
)
def test_no_restatement_is_proposed_when_none_is_needed_or_none_can_be_read(previous, sentence):
    assert proposal(previous, sentence) == ""


@pytest.mark.django_db
def test_detection_stores_the_proposal_as_machine_made_and_an_edit_makes_it_the_editors(client):
    text = (
        "Plant closes\n\n"
        "Jane Roe, the plant manager, said the Elm Street plant employed 400 people in 2024.\n\n"
        "She said the plant would cut 40 jobs this year."
    )
    article = submit_article(
        submission=Submission(
            text=text, title="Plant closes", published_at=datetime(2025, 5, 7, 9, tzinfo=UTC)
        ),
        run_now=True,
    )
    claim = article.claims.get(text__startswith="She said")
    assert claim.restatement == "Jane Roe said the plant would cut 40 jobs this year (2025)."
    assert claim.restatement_source == Claim.RestatementSource.MACHINE
    editor = EditorFactory()
    client.force_login(editor)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "machine-proposed — check and edit" in page
    # The research and adjudicate pages' header says so too: once published it is the public headline.
    research = client.get(reverse("admin:claims_claim_research", args=[claim.pk])).content.decode()
    assert "(machine-proposed: the public page shows it as the headline" in research

    services.claim_edit(
        claim=claim, actor=editor, restatement="Jane Roe said the plant would cut 40 jobs in 2025."
    )

    claim.refresh_from_db()
    assert claim.restatement_source == Claim.RestatementSource.EDITOR
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "machine-proposed" not in page
