"""Forms of the workflow pages. Each carries the claim ``version`` it was rendered from (optimistic lock)."""

from django import forms

from claims.models import Claimant, Evidence, Rating, Verdict


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ApproveForm(VersionedForm):
    confirm_unarchived = forms.BooleanField(
        required=False, label="Publish anyway: I have checked the evidence that was never archived."
    )


class SendBackForm(VersionedForm):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "A comment is required to send a verdict back: say what is missing."},
    )


def _ratings():
    return Rating.objects.filter(is_active=True)


class VerdictForm(VersionedForm):
    rating = forms.ModelChoiceField(queryset=Rating.objects.none(), required=False)
    summary = forms.CharField(max_length=Verdict._meta.get_field("summary").max_length, required=False)
    explanation = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = _ratings()


class CorrectionForm(VerdictForm):
    correction_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown publicly with the corrected verdict: what changed and why.",
        error_messages={"required": "A public correction note is required."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("rating", "summary"):
            self.fields[name].required = True


TYPED_EXCERPT_HELP = (
    "Only if the page cannot be archived (paywall, PDF, removed): type or paste the passage. It is marked "
    "as typed by you, not quoted from an archived copy."
)


class EvidenceAddForm(forms.Form):
    url = forms.URLField(max_length=2000, assume_scheme="https", label="Evidence URL")
    stance = forms.ChoiceField(choices=Evidence.Stance.choices, initial=Evidence.Stance.UNKNOWN)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    excerpt = forms.CharField(
        required=False,
        max_length=20000,
        label="Excerpt (typed)",
        help_text=TYPED_EXCERPT_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EvidenceUpdateForm(forms.Form):
    evidence = forms.IntegerField(widget=forms.HiddenInput)
    stance = forms.ChoiceField(choices=Evidence.Stance.choices)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    excerpt_start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    excerpt_end = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    typed_excerpt = forms.CharField(
        required=False,
        max_length=20000,
        label="Excerpt (typed)",
        help_text=TYPED_EXCERPT_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("excerpt_start"), data.get("excerpt_end")
        if (start is None) != (end is None) or (start is not None and end <= start):
            raise forms.ValidationError("Select the excerpt again: its start and end did not match.")
        return data


class ClaimantSetForm(VersionedForm):
    name = forms.CharField(
        max_length=Claimant._meta.get_field("name").max_length,
        label="Who made this claim",
        help_text="A known claimant is matched by name or alias; any other name becomes a new claimant.",
        error_messages={"required": "Type the name of who made this claim."},
        widget=forms.TextInput(attrs={"list": "fc-known-claimants", "autocomplete": "off"}),
    )
    kind = forms.TypedChoiceField(
        choices=Claimant.Kind.choices,
        initial=Claimant.Kind.PERSON,
        required=False,
        empty_value=Claimant.Kind.PERSON,
        label="Person or organisation (if new)",
    )
    description = forms.CharField(
        required=False, label="Role (if new)", help_text="E.g. 'Minister for Work', 'central bank'."
    )
