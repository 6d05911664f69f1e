"""Claimants and tags: small lookup tables, each linking to its claims in the changelist."""

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.urls import reverse
from django.utils.html import format_html

from claims.models import Claim, Claimant, Tag


@admin.register(Claimant)
class ClaimantAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "description", "claims_link")
    list_filter = ("kind",)
    search_fields = ("name", "normalized_name", "description")
    readonly_fields = ("normalized_name",)

    def get_queryset(self, request):
        counted = Claim.objects.filter(claimant=OuterRef("pk")).order_by().values("claimant")
        return (
            super()
            .get_queryset(request)
            .annotate(claims_count=Subquery(counted.annotate(n=Count("pk")).values("n"), IntegerField()))
        )

    @admin.display(description="claims")
    def claims_link(self, obj):
        url = reverse("admin:claims_claim_changelist") + f"?claimant={obj.pk}"
        return format_html('<a href="{}">{} claim(s)</a>', url, obj.claims_count or 0)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)
