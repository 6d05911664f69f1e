"""Claimants and tags: small lookup tables, each linking to its claims in the changelist."""

from django import forms
from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from claims import similar
from claims.models import Claim, Claimant, Tag


class _AliasesField(forms.JSONField):
    """A JSON list of names; empty means none. Django's JSONField form field turns an empty box into
    None (an IntegrityError on the NOT NULL column) and lets through any JSON, however deep."""

    def to_python(self, value):
        try:
            aliases = super().to_python(value)
        except RecursionError:
            raise forms.ValidationError("Nested too deeply: give a list of names.") from None
        if aliases is None:
            return []
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise forms.ValidationError('Give a list of names, e.g. ["Mr. Sussex", "J. Sussex"].')
        if any("\x00" in a for a in aliases):
            raise forms.ValidationError("NUL characters are not allowed.")
        return aliases


class ClaimantForm(forms.ModelForm):
    aliases = _AliasesField(required=False, help_text=Claimant._meta.get_field("aliases").help_text)

    class Meta:
        model = Claimant
        fields = ("name", "normalized_name", "kind", "description", "aliases")


@admin.register(Claimant)
class ClaimantAdmin(admin.ModelAdmin):
    form = ClaimantForm
    list_display = ("name", "kind", "description", "claims_link")
    list_filter = ("kind",)
    search_fields = ("name", "normalized_name", "description")
    readonly_fields = ("normalized_name", "recurrences")

    def get_queryset(self, request):
        counted = Claim.objects.filter(claimant=OuterRef("pk")).order_by().values("claimant")
        return (
            super()
            .get_queryset(request)
            .annotate(claims_count=Subquery(counted.annotate(n=Count("pk")).values("n"), IntegerField()))
        )

    @admin.display(description="repeated rated claims")
    def recurrences(self, obj):
        """The claimant's claims that match a claim with a published verdict, with that rating."""
        rows = similar.claimant_recurrences(obj) if obj.pk else []
        if not rows:
            return "None found."
        return format_html_join(
            "",
            '<p class="fc-recurrence"><a href="{}">#{}</a> “{}” repeats <a href="{}">#{}</a> '
            "(published: {}; {})</p>",
            (
                (
                    reverse("admin:claims_claim_change", args=[r["claim"].pk]),
                    r["claim"].pk,
                    r["claim"],
                    reverse("admin:claims_claim_change", args=[r["rated"].pk]),
                    r["rated"].pk,
                    r["rating"] or "unrated",
                    r["match"].get_state_display().lower(),
                )
                for r in rows
            ),
        )

    @admin.display(description="claims")
    def claims_link(self, obj):
        url = reverse("admin:claims_claim_changelist") + f"?claimant={obj.pk}"
        return format_html('<a href="{}">{} claim(s)</a>', url, obj.claims_count or 0)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)
