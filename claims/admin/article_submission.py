"""The admin's "add article" form: a URL, an uploaded or pasted HTML page, or text, sent to ingestion."""

from django import forms
from django.conf import settings
from django.contrib.admin import widgets

from claims.ingestion import Submission

# Laid out as the admin lays out a change form (admin/includes/fieldset.html).
FIELDSETS = [
    (None, {"fields": ["url"]}),
    (
        "Or the article itself",
        {
            "fields": ["html_file", "html", "text"],
            "description": "One of these, when the page cannot be fetched (a paywall, a page since changed).",
        },
    ),
    ("About it", {"fields": ["title", "published_at"], "description": "For HTML or text that lack them."}),
]


class ArticleSubmissionForm(forms.Form):
    url = forms.URLField(
        required=False,
        label="URL",
        max_length=2000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "vURLField"}),
        help_text="The article's address. With an HTML page or text below, the address they came from.",
    )
    html_file = forms.FileField(required=False, label="HTML file", help_text="A saved web page (.html).")
    html = forms.CharField(
        required=False,
        strip=False,
        label="Pasted HTML",
        widget=forms.Textarea(attrs={"rows": 8, "class": "vLargeTextField"}),
        help_text="The page's source, as the browser's “View page source” shows it.",
    )
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "class": "vLargeTextField"}),
        label="Plain text",
    )
    title = forms.CharField(
        required=False, max_length=500, widget=forms.TextInput(attrs={"class": "vTextField"})
    )
    published_at = forms.SplitDateTimeField(
        required=False, label="Published", widget=widgets.AdminSplitDateTime, help_text="When it appeared."
    )

    def _check_size(self, size: int) -> None:
        if size > settings.FETCH_MAX_BYTES:
            raise forms.ValidationError(
                f"The page is too large ({size:,} bytes; the limit is {settings.FETCH_MAX_BYTES:,})."
            )

    def clean_html_file(self):
        upload = self.cleaned_data.get("html_file")
        if upload is None:
            return None
        self._check_size(upload.size)
        return upload.read()

    def clean_html(self):
        html = self.cleaned_data.get("html") or ""
        if not html.strip():
            return None
        body = html.encode("utf-8")
        self._check_size(len(body))
        return body

    def clean(self):
        data = super().clean()
        given = [name for name in ("html_file", "html", "text") if data.get(name)]
        if len(given) > 1:
            raise forms.ValidationError("Give one of an HTML file, pasted HTML or plain text, not several.")
        if not given and not data.get("url"):
            raise forms.ValidationError("Give a URL, an HTML page (a file or pasted) or plain text.")
        return data

    def submission(self) -> Submission:
        data = self.cleaned_data
        return Submission(
            url=data.get("url") or "",
            html=data.get("html_file") or data.get("html") or None,
            text=data.get("text") or None,
            title=data.get("title") or "",
            published_at=data.get("published_at"),
        )
