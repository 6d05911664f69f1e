"""The Atom feed of published verdicts and corrections."""

import xml.etree.ElementTree as ET

import pytest

from tests import api_fixtures as fx

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client) -> list[dict]:
    response = client.get("/feeds/verdicts.atom")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return [
        {
            "title": e.findtext(f"{ATOM}title"),
            "link": e.find(f"{ATOM}link").get("href"),
            "summary": e.findtext(f"{ATOM}summary") or "",
        }
        for e in root.iter(f"{ATOM}entry")
    ]


def test_feed_lists_published_verdicts_newest_first_and_never_drafts(client):
    first = fx.published_verdict(text="First claim.")
    second = fx.published_verdict(text="Second claim.")
    fx.published_verdict(text="Secret draft claim.", state="draft")
    fx.published_verdict(text="Withdrawn claim.", state="withdrawn")

    items = entries(client)

    assert [i["title"] for i in items] == ["False: Second claim.", "False: First claim."]
    assert items[0]["link"] == f"http://testserver/checks/{second.pk}/"
    assert first.summary in items[1]["summary"]


def test_feed_shows_a_correction_and_marks_the_verdict_it_replaced(client):
    old = fx.published_verdict(text="Exports doubled.")
    new = fx.correct(old, rating="mostly-true", note="We misread the table.")

    items = {i["link"]: i for i in entries(client)}

    assert (
        items[f"http://testserver/checks/{new.pk}/"]["title"] == "Correction: Mostly true: Exports doubled."
    )
    assert "We misread the table." in items[f"http://testserver/checks/{new.pk}/"]["summary"]
    assert items[f"http://testserver/checks/{old.pk}/"]["title"].startswith("[Corrected] ")
