import pytest
from django.core.management import CommandError, call_command

from claims.models_feeds import ClaimLead, ExternalReview
from tests.feeds_support import FIXTURES, fixture, make_claim

pytestmark = pytest.mark.django_db


def test_importing_the_same_file_twice_stores_each_review_once(capsys):
    call_command("import_claimreviews", str(FIXTURES / "claimreviews.json"))
    call_command("import_claimreviews", str(FIXTURES / "claimreviews.json"))

    assert ExternalReview.objects.count() == 2
    assert capsys.readouterr().out.splitlines() == [
        "2 created, 0 updated, 0 unchanged",
        "0 created, 0 updated, 2 unchanged",
    ]
    crime = ExternalReview.objects.get(url="https://factcheck.example.net/2026/11/crime-figures")
    assert (crime.publisher_name, crime.claimant, crime.textual_rating, crime.origin) == (
        "Example Fact Check",
        "Sam Mayor",
        "Mostly false",
        "import",
    )


def test_a_reimport_with_a_changed_rating_updates_the_review_in_place(tmp_path, capsys):
    call_command("import_claimreviews", str(FIXTURES / "claimreviews.json"))
    changed = tmp_path / "changed.json"
    changed.write_bytes(fixture("claimreviews.json").replace(b'"Correct"', b'"False"'))

    call_command("import_claimreviews", str(changed))

    assert capsys.readouterr().out.splitlines()[-1] == "0 created, 1 updated, 1 unchanged"
    beds = ExternalReview.objects.get(url="https://factcheck.example.net/2026/11/hospital-beds")
    assert (beds.textual_rating, beds.verdict) == ("False", "false")


def test_a_page_is_imported_from_a_url_through_the_fetcher_and_matched_to_claims(web):
    claim = make_claim("Bus fares have doubled since 2010, the campaign group says.")
    web.expect_request("/checks/").respond_with_data(
        fixture("factchecker-page.html"), content_type="text/html"
    )

    call_command("import_claimreviews", web.url_for("/checks/"))

    assert ExternalReview.objects.count() == 3
    assert [lead.headline for lead in ClaimLead.objects.filter(claim=claim)] == [
        "checked elsewhere: Example Checkers rated it Half true"
    ]


def test_unreadable_inputs_stop_with_a_message_naming_them(tmp_path, web):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="broken.json: not valid JSON"):
        call_command("import_claimreviews", str(broken))
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_claimreviews", str(tmp_path / "missing.json"))
    web.expect_request("/gone").respond_with_data("", status=404)
    with pytest.raises(CommandError, match="fetch failed: HTTP 404"):
        call_command("import_claimreviews", web.url_for("/gone"))
    assert not ExternalReview.objects.exists()
