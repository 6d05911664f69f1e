"""Admin for webhook subscriptions (managed by staff) and their delivery log (read-only)."""

import secrets

from django import forms
from django.contrib import admin, messages

from claims.models_api import WebhookDelivery, WebhookSubscription
from claims.webhooks import services
from claims.webhooks.guard import UnresolvableURL, UnsafeURL, check_delivery_url


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=WebhookSubscription.Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "secret", "events", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["secret"].initial = secrets.token_urlsafe(32)

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            check_delivery_url(url)
        except (UnsafeURL, UnresolvableURL) as exc:
            raise forms.ValidationError(f"This address cannot receive webhooks: {exc}") from exc
        return url

    def clean_secret(self):
        secret = self.cleaned_data["secret"]
        if len(secret) < 16:
            raise forms.ValidationError("Use at least 16 characters (a random value is proposed).")
        return secret


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["name", "url", "is_active", "consecutive_failures", "disabled_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    readonly_fields = ["consecutive_failures", "disabled_at", "disabled_reason", "created_at", "updated_at"]
    actions = ["enable"]

    @admin.action(description="Enable again (forget failures)", permissions=["change"])
    def enable(self, request, queryset):
        for subscription in queryset:
            services.subscription_enable(subscription=subscription)
        self.message_user(request, f"{queryset.count()} subscription(s) enabled.", messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subscription", "event", "status", "attempts", "last_status_code"]
    list_filter = ["status", "event", "subscription"]
    list_select_related = ["subscription"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    show_full_result_count = False
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send again now", permissions=["change"])
    def retry_now(self, request, queryset):
        queued = sum(services.delivery_retry_now(delivery=d) for d in queryset)
        self.message_user(request, f"{queued} delivery(ies) queued again.", messages.SUCCESS)
