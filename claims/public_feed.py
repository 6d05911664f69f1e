"""Atom feed of the latest public verdicts, ``/feeds/verdicts.atom`` (Django syndication).

Entries are verdicts in state published or corrected. A correction is its own entry ("Correction: ...");
the verdict it replaced keeps its entry id, re-titled "[Corrected] ..." with a newer ``updated``, so feed
readers that already showed it see the change.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from claims.api.selectors import PUBLIC_STATES
from claims.models import Verdict

FEED_SIZE = 50


class LatestVerdictsFeed(Feed):
    feed_type = Atom1Feed
    subtitle = "Latest published fact checks and corrections."

    def title(self):
        return f"{settings.FACTCHECK_ORG_NAME}: fact checks"

    def link(self):
        return reverse("api-v1:verdict-list")

    def feed_url(self):
        return reverse("feed-verdicts")

    def author_name(self):
        return settings.FACTCHECK_ORG_NAME

    def items(self):
        return (
            Verdict.objects.filter(state__in=PUBLIC_STATES)
            .select_related("rating", "claim__claimant")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item: Verdict) -> str:
        claim = item.claim
        title = f"{item.rating.label if item.rating_id else 'Unrated'}: {claim.restatement or claim.text}"
        if item.state == Verdict.State.CORRECTED:
            return "[Corrected] " + title
        if item.supersedes_id:
            return "Correction: " + title
        return title

    def item_description(self, item: Verdict) -> str:
        parts = [item.summary]
        if item.correction_note:
            parts.append(f"Correction: {item.correction_note}")
        if item.claim.claimant_id:
            parts.append(f"Claimed by {item.claim.claimant.name}.")
        return "\n\n".join(p for p in parts if p)

    def item_link(self, item: Verdict) -> str:
        return reverse("public-verdict", args=[item.pk])

    def item_pubdate(self, item: Verdict):
        return item.published_at

    def item_updateddate(self, item: Verdict):
        return item.updated_at
