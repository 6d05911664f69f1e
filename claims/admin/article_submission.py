"""The admin's "add article" form: a URL, an uploaded HTML file, or pasted text, sent to ingestion."""

from django import forms
from django.conf import settings

from claims.ingestion import Submission


class ArticleSubmissionForm(forms.Form):
    url = forms.URLField(
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text="The article's address. With an HTML file or text below, the address they came from.",
    )
    html_file = forms.FileField(required=False, label="HTML file", help_text="A saved web page (.html).")
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 12}), label="Plain text")
    title = forms.CharField(required=False, max_length=500, help_text="For plain text: the article's title.")
    published_at = forms.DateTimeField(required=False, help_text="For plain text: when it was published.")

    def clean_html_file(self):
        upload = self.cleaned_data.get("html_file")
        if upload is None:
            return None
        if upload.size > settings.FETCH_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is too large ({upload.size:,} bytes; the limit is {settings.FETCH_MAX_BYTES:,})."
            )
        return upload.read()

    def clean(self):
        data = super().clean()
        given = [name for name in ("html_file", "text") if data.get(name)]
        if len(given) > 1:
            raise forms.ValidationError("Give either an HTML file or plain text, not both.")
        if not given and not data.get("url"):
            raise forms.ValidationError("Give a URL, an HTML file or plain text.")
        return data

    def submission(self) -> Submission:
        data = self.cleaned_data
        return Submission(
            url=data.get("url") or "",
            html=data.get("html_file") or None,
            text=data.get("text") or None,
            title=data.get("title") or "",
            published_at=data.get("published_at"),
        )
