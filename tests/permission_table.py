"""The permission table: every endpoint and every admin page and action, for every kind of caller.

The surface is read from the code (the URL resolver, and every ModelAdmin registered on the admin site
with its URLs and actions), so a new endpoint or admin action without a row here fails
``tests/test_permission_table.py::test_the_table_covers_the_whole_surface``. Each cell is then run as a
real request against one shared newsroom (``tests.permission_world``), inside a savepoint rolled back
after the cell.

Outcomes (what a cell expects):

* an HTTP status as a string (``"200"``, ``"401"``, ``"403"``, ``"404"``, ...); for the admin, ``"login"``
  is a redirect to the login page and ``"302"`` any other redirect with nothing changed (the admin's "this
  object does not exist" for a row outside the caller's queryset, or a page's "not allowed" message);
* ``"sees"`` / ``"blind"``: 200, and the body does / does not show the row's private marker (a list scoped
  to the caller);
* ``"done"``: a write that happened (the row's effect is checked on the reloaded rows);
* for admin actions (always posted, offered or not): ``"hidden"``: not offered to the caller (not in
  the changelist's action menu, ``ModelAdmin.get_actions``) and nothing changed; ``"refused"``: offered,
  but nothing changed and an error shown (or 403); ``"noop"``: offered, nothing changed, no error (the
  selected row is outside the caller's changelist).

Every cell whose outcome is not ``"done"`` is checked to have written no row of any table (GETs too).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient
from simple_history.admin import SimpleHistoryAdmin

from claims.models import Article, Claim, ClaimMatch, Rating, Verdict
from tests.permission_world import PRINCIPALS, World, reload

# --- the surface, read from the code --------------------------------------------------------------

SAFE_AND_UNSAFE = ("get", "post", "put", "patch", "delete")


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join(filter(None, [namespace, pattern.name]))
            yield prefix + str(pattern.pattern), name, pattern.callback


def _methods(callback) -> list[str]:
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return ["GET"]  # a plain function view (healthz, the verdict page, the Atom feed) answers reads
    allowed = [m for m in view_class.http_method_names if m in SAFE_AND_UNSAFE]  # HEAD is GET, OPTIONS meta
    if getattr(callback, "actions", None):  # a viewset route: its method -> action map
        return sorted(m.upper() for m in callback.actions if m in allowed)
    return sorted(m.upper() for m in SAFE_AND_UNSAFE if m in allowed and hasattr(view_class, m))


def site_surface() -> set[tuple[str, str]]:
    """(URL name, method) of every route outside the admin."""
    surface = set()
    for route, name, callback in _walk(get_resolver().url_patterns):
        # DRF's format-suffix twins (``claims.json``) run the same view as their base route.
        if route.startswith("admin/") or "(?P<format>" in route:
            continue
        surface.update((name, method) for method in _methods(callback))
    return surface


def admin_url_surface() -> set[str]:
    """Names of every URL of every registered ModelAdmin (its standard views and its own pages)."""
    return {
        f"admin:{p.name}"
        for model_admin in admin.site._registry.values()
        for p in model_admin.get_urls()
        if p.name
    }


def admin_action_surface() -> set[tuple[str, str]]:
    """(model label, action name) of every action of every registered ModelAdmin, site-wide ones included."""
    return {
        (model._meta.label, name)
        for model, model_admin in admin.site._registry.items()
        if model_admin.actions is not None  # None: no actions at all, not even the site's (get_actions)
        for _func, name, _description in model_admin._get_base_actions()
    }


# --- the table --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One endpoint (or admin page, or admin action) and the outcome expected for each principal."""

    kind: str  # "api" (site routes), "admin" (ModelAdmin URLs) or "action"
    key: tuple
    expect: dict
    method: str = "GET"
    url: Callable[[World], str] | None = None
    data: Callable[[World], dict] | None = None
    effect: Callable[[World, object], bool] | None = None
    marker: str = ""
    note: str = ""
    settings: tuple = ()  # (name, value) pairs overridden for this row
    known_bugs: tuple = ()  # (principal, reason): the cell expects the right outcome and is xfailed

    @property
    def id(self) -> str:
        return " ".join(map(str, self.key)) + (f" [{self.note}]" if self.note else "")


def cells(spec: str) -> dict:
    """'401 403 200 404 200 200' -> outcome per principal, in the order of PRINCIPALS."""
    values = spec.split()
    assert len(values) == len(PRINCIPALS), spec
    return dict(zip(PRINCIPALS, values, strict=True))


def _claim_url(name: str, status: str):
    return lambda w: reverse(f"api-v1:{name}", args=[w.claims[status].pk])


def _status_is(status: str, wanted: str):
    return lambda w, _response: w.claim(status).status == wanted


PUBLIC = "200 200 200 200 200 200"
REFERENCE = "401 200 200 200 200 200"
VERB = "401 404 403 404 done done"  # an editors' verb on a claim assigned to the reviewer

API_ROWS = [
    Row("api", ("healthz", "GET"), cells(PUBLIC), url=lambda w: reverse("healthz")),
    Row(
        "api",
        ("public-verdict", "GET"),
        cells(PUBLIC),
        url=lambda w: reverse("public-verdict", args=[w.objects["claims.Verdict"].pk]),
    ),
    Row(
        "api",
        ("public-home", "GET"),
        cells("sees sees sees sees sees sees"),
        url=lambda w: reverse("public-home"),
        marker="PUBLIC-VERDICT",
    ),
    Row(
        "api",
        ("public-checks", "GET"),
        cells("sees sees sees sees sees sees"),
        url=lambda w: reverse("public-checks"),
        marker="PUBLIC-VERDICT",
    ),
    Row(
        "api",
        ("feed-verdicts", "GET"),
        cells("sees sees sees sees sees sees"),
        url=lambda w: reverse("feed-verdicts"),
        marker="PUBLIC-VERDICT",
    ),
    Row("api", ("api-v1:schema", "GET"), cells(PUBLIC), url=lambda w: reverse("api-v1:schema")),
    Row("api", ("api-v1:docs", "GET"), cells(PUBLIC), url=lambda w: reverse("api-v1:docs")),
    Row(
        "api",
        ("api-v1:verdict-list", "GET"),
        cells("sees sees sees sees sees sees"),
        url=lambda w: reverse("api-v1:verdict-list"),
        marker="PUBLIC-VERDICT",
    ),
    Row(
        "api",
        ("api-v1:verdict-detail", "GET"),
        cells(PUBLIC),
        url=lambda w: reverse("api-v1:verdict-detail", args=[w.objects["claims.Verdict"].pk]),
    ),
    Row(
        "api",
        ("api-v1:verdict-claimreview", "GET"),
        cells(PUBLIC),
        url=lambda w: reverse("api-v1:verdict-claimreview", args=[w.objects["claims.Verdict"].pk]),
    ),
    Row(
        "api",
        ("api-v1:verdict-export-csv", "GET"),
        cells("sees sees sees sees sees sees"),
        url=lambda w: reverse("api-v1:verdict-export-csv"),
        marker="PUBLIC-VERDICT",
    ),
    Row(
        "api",
        ("api-v1:verdict-export-jsonl", "GET"),
        cells("sees sees sees sees sees sees"),
        url=lambda w: reverse("api-v1:verdict-export-jsonl"),
        marker="PUBLIC-VERDICT",
    ),
    Row(
        "api",
        ("api-v1:article-list", "GET"),
        # Partners follow only what they submitted (issue 17, item 7); reviewers the articles of their claims.
        cells("401 blind sees blind sees sees"),
        url=lambda w: reverse("api-v1:article-list"),
        marker="ARTICLE-TITLE-MARK",
    ),
    Row(
        "api",
        ("api-v1:article-list", "POST"),
        cells("401 done 403 403 done done"),
        method="POST",
        url=lambda w: reverse("api-v1:article-list"),
        data=lambda w: {
            "text": "Prices rose by 12 per cent last year, the mayor said.",
            "title": "PERM-SUBMITTED",
        },
        effect=lambda w, _r: Article.objects.filter(title="PERM-SUBMITTED").exists(),
    ),
    Row(
        "api",
        ("api-v1:article-detail", "GET"),
        cells("401 404 200 404 200 200"),
        url=lambda w: reverse("api-v1:article-detail", args=[w.objects["claims.Article"].pk]),
    ),
    Row(
        "api",
        ("api-v1:claim-list", "GET"),
        cells("401 blind sees blind sees sees"),
        url=lambda w: reverse("api-v1:claim-list"),
        marker="PRIVATE-CLAIM-RESEARCHING",
    ),
    Row(
        "api",
        ("api-v1:claim-list", "POST"),
        cells("401 403 403 403 done done"),
        method="POST",
        url=lambda w: reverse("api-v1:claim-list"),
        data=lambda w: {"text": "PERM-NEW-CLAIM: taxes doubled."},
        effect=lambda w, _r: Claim.objects.filter(text="PERM-NEW-CLAIM: taxes doubled.").exists(),
    ),
    Row(
        "api",
        ("api-v1:claim-detail", "GET"),
        cells("401 404 200 404 200 200"),
        url=_claim_url("claim-detail", "researching"),
    ),
    Row(
        "api",
        ("api-v1:claim-triage", "POST"),
        cells(VERB),
        method="POST",
        url=_claim_url("claim-triage", "candidate"),
        data=lambda w: {"accept": True},
        effect=_status_is("candidate", "open"),
    ),
    Row(
        "api",
        ("api-v1:claim-assign", "POST"),
        cells(VERB),
        method="POST",
        url=_claim_url("claim-assign", "open"),
        data=lambda w: {"assignee": w.users["reviewer"].pk},
        effect=_status_is("open", "researching"),
    ),
    Row(
        "api",
        ("api-v1:claim-propose", "POST"),
        # The assignee proposes; so may an editor (workflow.TRANSITIONS["propose"].roles).
        cells("401 404 done 404 done done"),
        method="POST",
        url=_claim_url("claim-propose", "researching"),
        data=lambda w: {
            "rating": "false",
            "summary": "It fell to 4.2 per cent.",
            "explanation": "Office data.",
        },
        effect=_status_is("researching", "in_review"),
    ),
    Row(
        "api",
        ("api-v1:claim-send-back", "POST"),
        cells(VERB),
        method="POST",
        url=_claim_url("claim-send-back", "in_review"),
        data=lambda w: {"comment": "Cite the release."},
        effect=_status_is("in_review", "researching"),
    ),
    Row(
        "api",
        ("api-v1:claim-approve", "POST"),
        cells(VERB),
        method="POST",
        url=_claim_url("claim-approve", "in_review"),
        data=lambda w: {},
        effect=_status_is("in_review", "published"),
    ),
    Row(
        "api",
        ("api-v1:claim-withdraw", "POST"),
        cells(VERB),
        method="POST",
        url=_claim_url("claim-withdraw", "published"),
        data=lambda w: {"reason": "Wrong table."},
        effect=_status_is("published", "open"),
    ),
    Row(
        "api",
        ("api-v1:claim-correct", "POST"),
        cells(VERB),
        method="POST",
        url=_claim_url("claim-correct", "published"),
        data=lambda w: {
            "rating": "false",  # wording only: a re-rating waits for a second editor (docs/workflow.md)
            "summary": "It fell a little.",
            "explanation": "Re-read.",
            "correction_note": "We misread the table.",
        },
        effect=lambda w, _r: w.claims["published"].verdicts.filter(state=Verdict.State.CORRECTED).exists(),
    ),
    Row(
        "api",
        ("api-v1:claim-reopen", "POST"),
        cells(VERB),
        method="POST",
        url=_claim_url("claim-reopen", "dismissed"),
        data=lambda w: {},
        effect=_status_is("dismissed", "open"),
    ),
    Row(
        "api",
        ("api-v1:claim-merge", "POST"),
        cells(VERB),
        method="POST",
        url=_claim_url("claim-merge", "open"),
        data=lambda w: {"keep": w.claims["keep"].pk},
        effect=_status_is("open", "duplicate"),
    ),
    Row(
        "api",
        ("api-v1:evidence-list", "GET"),
        cells("401 blind sees blind sees sees"),
        url=lambda w: reverse("api-v1:evidence-list"),
        marker="PRIVATE-EVIDENCE-NOTE",
    ),
    Row(
        "api",
        ("api-v1:evidence-list", "POST"),
        # A claim the caller cannot see is a 400 naming the field ("No such claim visible to you").
        cells("401 400 done 400 done done"),
        method="POST",
        url=lambda w: reverse("api-v1:evidence-list"),
        data=lambda w: {
            "claim": w.claims["researching"].pk,
            "url": "https://stats.example.org/perm-new",
            "stance": "supports",
        },
        effect=lambda w, _r: (
            w.claims["researching"].evidence.filter(source__url__contains="perm-new").exists()
        ),
    ),
    Row(
        "api",
        ("api-v1:evidence-detail", "GET"),
        cells("401 404 200 404 200 200"),
        url=lambda w: reverse("api-v1:evidence-detail", args=[w.objects["claims.Evidence"].pk]),
    ),
    Row(
        "api",
        ("api-v1:evidence-detail", "PATCH"),
        cells("401 404 done 404 done done"),
        method="PATCH",
        url=lambda w: reverse("api-v1:evidence-detail", args=[w.objects["claims.Evidence"].pk]),
        data=lambda w: {"note": "PERM-CHANGED-NOTE"},
        effect=lambda w, _r: reload(w.objects["claims.Evidence"]).note == "PERM-CHANGED-NOTE",
    ),
    Row(
        "api",
        ("api-v1:claimant-list", "GET"),
        cells(REFERENCE),
        url=lambda w: reverse("api-v1:claimant-list"),
    ),
    Row(
        "api",
        ("api-v1:claimant-detail", "GET"),
        cells(REFERENCE),
        url=lambda w: reverse("api-v1:claimant-detail", args=[w.objects["claims.Claimant"].pk]),
    ),
    Row("api", ("api-v1:rating-list", "GET"), cells(REFERENCE), url=lambda w: reverse("api-v1:rating-list")),
    Row(
        "api",
        ("api-v1:rating-detail", "GET"),
        cells(REFERENCE),
        url=lambda w: reverse("api-v1:rating-detail", args=[w.objects["claims.Rating"].pk]),
    ),
]

# Admin pages of each registered model: what each staff principal may do with the world's row of it.
#   v  view (changelist, change page, history)      a  the add page
#   d  delete it (page and bulk action)
#   p  delete permitted, but other rows PROTECT this one: the admin lists them and deletes nothing
#   c  delete permitted, but it would cascade into rows the caller may not delete: refused (403)
#   -  the row is outside the caller's queryset (a reviewer's claims, evidence, verdicts and leads are
#      only those assigned to them): the admin answers as for a row that does not exist
# Anonymous callers and the token client (no staff flag) are sent to the login page everywhere.
ADMIN_MODELS = {
    #                              reviewer  outsider  editor  superuser
    "auth.Group": ("", "", "", "vad"),
    "auth.User": ("", "", "", "vad"),
    "authtoken.TokenProxy": ("", "", "", "vad"),
    "axes.AccessAttempt": ("", "", "", "vd"),
    "axes.AccessLog": ("", "", "", "vd"),
    "axes.AccessFailureLog": ("", "", "", "vd"),
    "sources.Source": ("v", "v", "v", "vp"),
    "sources.Snapshot": ("v", "v", "v", "vp"),
    # Editors may delete feeds with the items a polled feed has gathered.
    "claims.Feed": ("", "", "vad", "vad"),
    "claims.FeedItem": ("v", "v", "vd", "vad"),
    "claims.ExternalReview": ("v", "v", "v", "vad"),
    "claims.ClaimLead": ("v", "v-", "v", "vd"),
    # Claims carry verdicts, which nobody deletes in the admin (the audit trail); the article's claims
    # include an original that a duplicate claim protects.
    "claims.Article": ("v", "v", "va", "vap"),
    "claims.Claim": ("v", "v-", "v", "vc"),
    "claims.Evidence": ("v", "v-", "v", "vd"),
    "claims.Claimant": ("va", "va", "vad", "vad"),
    "claims.Tag": ("v", "v", "vad", "vad"),
    "claims.Rating": ("v", "v", "va", "vad"),
    "claims.Verdict": ("v", "v-", "v", "v"),
    "claims.WebhookSubscription": ("", "", "", "vad"),
    "claims.WebhookDelivery": ("", "", "", "vd"),
}
STAFF = ("reviewer", "outsider", "editor", "superuser")
DELETE_OUTCOMES = {"d": "done", "p": "200", "c": "403"}  # the delete page (POST "yes, I'm sure")
BULK_DELETE_OUTCOMES = {"d": "done", "p": "noop", "c": "refused"}  # the delete_selected action


def _delete_grant(grants: str) -> str:
    return next((g for g in grants if g in DELETE_OUTCOMES), "")


def _admin_cells(label: str, view: str) -> dict:
    model_admin = admin.site._registry[apps.get_model(label)]
    # django-simple-history's history pages answer 404 for a row the caller may not see (they look rows
    # up themselves); Django's own answer with a redirect to the admin index and a message.
    missing = "404" if isinstance(model_admin, SimpleHistoryAdmin) and view.endswith("history") else "302"
    expect = {"anonymous": "login", "token": "login"}
    for principal, grants in zip(STAFF, ADMIN_MODELS[label], strict=True):
        hidden = "-" in grants
        if view == "changelist":
            outcome = "200" if "v" in grants else "403"
        elif view == "add":
            outcome = "200" if "a" in grants else "403"
        elif view == "delete":
            grant = _delete_grant(grants)
            outcome = "403" if not grant else (missing if hidden else DELETE_OUTCOMES[grant])
        else:  # change, history, simple_history
            outcome = "403" if "v" not in grants else (missing if hidden else "200")
        expect[principal] = outcome
    return expect


def _model_url(label: str, view: str):
    app, model = label.lower().split(".")
    name = f"admin:{app}_{model}_{view}"
    if view in ("changelist", "add"):
        return lambda w: reverse(name)
    if view == "simple_history":
        return lambda w: reverse(
            name,
            args=[w.objects[label].pk, w.objects[label].history.order_by("history_id").first().history_id],
        )
    return lambda w: reverse(name, args=[w.objects[label].pk])


def _standard_admin_rows() -> list[Row]:
    rows = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if label not in ADMIN_MODELS:
            continue  # reported as missing by the coverage test
        app, name = label.lower().split(".")
        views = ["changelist", "add", "change", "delete", "history"]
        if hasattr(model_admin, "history_form_view"):
            views.append("simple_history")
        for view in views:
            url_name = f"admin:{app}_{name}_{view}"
            if view == "delete":
                rows.append(
                    Row(
                        "admin",
                        (url_name, "POST"),
                        _admin_cells(label, view),
                        method="POST",
                        url=_model_url(label, view),
                        data=lambda w: {"post": "yes"},
                        effect=lambda w, _r, label=label: reload(w.objects[label]) is None,
                    )
                )
            else:
                marker = (
                    "PRIVATE-CLAIM-RESEARCHING" if (label, view) == ("claims.Claim", "changelist") else ""
                )
                expect = _admin_cells(label, view)
                if marker:
                    expect = {p: {"200": "sees"}.get(o, o) for p, o in expect.items()}
                    expect["outsider"] = "blind"
                rows.append(
                    Row("admin", (url_name, "GET"), expect, url=_model_url(label, view), marker=marker)
                )
    return rows


ADMIN_PAGE_ROWS = [
    *[
        Row(
            "admin",
            (f"admin:claims_{label.split('.')[1].lower()}_simple_history", "POST"),
            # Evidence and verdicts change only through the workflow services, never in a form.
            cells("login login 403 404 403 403"),
            method="POST",
            url=_model_url(label, "simple_history"),
            effect=lambda w, _r, label=label: reload(w.objects[label]).history.count() > 1,
            note="revert",
        )
        for label in ("claims.Evidence", "claims.Verdict")
    ],
    Row(
        "admin",
        ("admin:claims_claim_simple_history", "POST"),
        # A version page's form saves ("revert"): only for who may change the claim itself.
        cells("login login done 404 done done"),
        method="POST",
        url=_model_url("claims.Claim", "simple_history"),
        data=lambda w: {"text": "PERM-REVERTED", "kind": "numeric", "priority": 2},
        effect=lambda w, _r: w.claim("researching").text == "PERM-REVERTED",
        note="revert",
    ),
    Row(
        "admin",
        ("admin:claims_my_queue", "GET"),
        cells("login login sees blind blind blind"),  # only claims assigned to the caller
        url=lambda w: reverse("admin:claims_my_queue"),
        marker="PRIVATE-CLAIM-RESEARCHING",
    ),
    Row(
        "admin",
        ("admin:claims_claim_research", "GET"),
        cells("login login 200 404 200 200"),
        url=lambda w: reverse("admin:claims_claim_research", args=[w.claims["researching"].pk]),
    ),
    Row(
        "admin",
        ("admin:claims_claim_research", "POST"),
        cells("login login done 404 done done"),
        method="POST",
        url=lambda w: reverse("admin:claims_claim_research", args=[w.claims["researching"].pk]),
        data=lambda w: {
            "propose": "1",
            "rating": _false_rating_pk(),
            "summary": "It fell to 4.2 per cent.",
            "explanation": "Office data.",
            "version": w.claims["researching"].version,
        },
        effect=_status_is("researching", "in_review"),
        note="propose",
    ),
    Row(
        "admin",
        ("admin:claims_claim_research", "POST"),
        cells("login login done 404 done done"),
        method="POST",
        url=lambda w: reverse("admin:claims_claim_research", args=[w.claims["researching"].pk]),
        data=lambda w: {
            "add_evidence": "1",
            "url": "https://stats.example.org/perm-admin",
            "stance": "supports",
        },
        effect=lambda w, _r: (
            w.claims["researching"].evidence.filter(source__url__contains="perm-admin").exists()
        ),
        note="add evidence",
    ),
    Row(
        "admin",
        ("admin:claims_claim_research", "POST"),
        cells("login login done 404 done done"),
        method="POST",
        url=lambda w: reverse("admin:claims_claim_research", args=[w.claims["researching"].pk]),
        data=lambda w: {
            "set_claimant": "1",
            "claimant-name": "Perm Research Claimant",
            "claimant-version": w.claims["researching"].version,
        },
        effect=lambda w, _r: str(w.claim("researching").claimant) == "Perm Research Claimant",
        note="set claimant",
    ),
    Row(
        "admin",
        ("admin:claims_claim_adjudicate", "GET"),
        cells("login login 403 403 200 200"),
        url=lambda w: reverse("admin:claims_claim_adjudicate", args=[w.claims["in_review"].pk]),
    ),
    Row(
        "admin",
        ("admin:claims_claim_adjudicate", "POST"),
        cells("login login 403 403 done done"),
        method="POST",
        url=lambda w: reverse("admin:claims_claim_adjudicate", args=[w.claims["in_review"].pk]),
        data=lambda w: {"approve": "1", "version": w.claims["in_review"].version},
        effect=_status_is("in_review", "published"),
        note="approve",
    ),
    Row(
        "admin",
        ("admin:claims_claim_adjudicate", "POST"),
        cells("login login 403 403 done done"),
        method="POST",
        url=lambda w: reverse("admin:claims_claim_adjudicate", args=[w.claims["in_review"].pk]),
        data=lambda w: {
            "set_claimant": "1",
            "claimant-name": "Perm Adjudicate Claimant",
            "claimant-version": w.claims["in_review"].version,
        },
        effect=lambda w, _r: str(w.claim("in_review").claimant) == "Perm Adjudicate Claimant",
        note="set claimant",
    ),
    Row(
        "admin",
        ("admin:claims_claim_correct", "GET"),
        cells("login login 403 403 200 200"),
        url=lambda w: reverse("admin:claims_claim_correct", args=[w.claims["published"].pk]),
    ),
    Row(
        "admin",
        ("admin:claims_claim_correct", "POST"),
        cells("login login 403 403 done done"),
        method="POST",
        url=lambda w: reverse("admin:claims_claim_correct", args=[w.claims["published"].pk]),
        data=lambda w: {
            "rating": _false_rating_pk(),
            "summary": "Corrected summary.",
            "explanation": "Re-read.",
            "correction_note": "We misread the table.",
            "version": w.claims["published"].version,
        },
        effect=lambda w, _r: w.claims["published"].verdicts.filter(state=Verdict.State.CORRECTED).exists(),
    ),
    Row(
        "admin",
        ("admin:claims_claim_match_decide", "POST"),
        # Reviewers see the claim, but deciding on suggestions is for editors: an error message, no change.
        cells("login login 302 404 done done"),
        method="POST",
        url=lambda w: reverse(
            "admin:claims_claim_match_decide",
            args=[w.claims["open"].pk, w.objects["claims.ClaimMatch"].pk, "reject"],
        ),
        effect=lambda w, _r: reload(w.objects["claims.ClaimMatch"]).state == ClaimMatch.State.REJECTED,
    ),
    Row(
        "admin",
        ("admin:claims_dashboard", "GET"),
        cells("login login 403 403 200 200"),
        url=lambda w: reverse("admin:claims_dashboard"),
    ),
    Row(
        "admin",
        ("admin:claims_dashboard_csv", "GET"),
        cells("login login 403 403 200 200"),
        url=lambda w: reverse("admin:claims_dashboard_csv", args=["median"]),
    ),
    Row(
        "admin",
        ("admin:claims_article_claim_from_span", "POST"),
        cells("login login 403 403 done done"),
        method="POST",
        url=lambda w: reverse("admin:claims_article_claim_from_span", args=[w.objects["claims.Article"].pk]),
        data=lambda w: {"span_start": 0, "span_end": 60},
        effect=lambda w, _r: Claim.objects.filter(span_start=0, span_end=60).exists(),
    ),
    Row(
        "admin",
        ("admin:claims_claimlead_search", "GET"),
        cells("login login 200 404 200 200"),
        url=lambda w: reverse("admin:claims_claimlead_search", args=[w.claims["researching"].pk]),
    ),
    Row(
        "admin",
        ("admin:sources_snapshot_text", "GET"),
        cells("login login 200 200 200 200"),
        url=lambda w: reverse("admin:sources_snapshot_text", args=[w.objects["sources.Snapshot"].pk]),
    ),
    Row(
        "admin",
        ("admin:sources_snapshot_diff", "GET"),
        cells("login login 200 200 200 200"),
        url=lambda w: reverse("admin:sources_snapshot_diff", args=[w.objects["sources.Snapshot"].pk]),
    ),
    Row(
        "admin",
        ("admin:auth_user_password_change", "GET"),
        cells("login login 403 403 403 200"),
        url=lambda w: reverse("admin:auth_user_password_change", args=[w.objects["auth.User"].pk]),
    ),
]


def _false_rating_pk() -> int:
    return Rating.objects.get(slug="false").pk


def _select(*keys):
    def selected(w: World) -> list[int]:
        return [w.claims[k].pk if k in w.claims else w.objects[k].pk for k in keys]

    return selected


@dataclass(frozen=True)
class ActionRow(Row):
    selected: Callable[[World], list[int]] | None = None


EDITORS_ACTION = "login login hidden hidden done done"  # the claims changelist's workflow actions
# Reviewers decide leads, but only those of the claims assigned to them: the outsider's selection of
# another reviewer's lead is outside their changelist, and nothing happens.
LEAD_ACTION = "login login done noop done done"
SUPERUSER_ACTION = "login login hidden hidden hidden done"

ACTION_ROWS = [
    ActionRow(
        "action",
        ("claims.Claim", "accept"),
        cells(EDITORS_ACTION),
        selected=_select("candidate"),
        effect=_status_is("candidate", "open"),
    ),
    ActionRow(
        "action",
        ("claims.Claim", "dismiss"),
        cells(EDITORS_ACTION),
        selected=_select("candidate"),
        data=lambda w: {"apply": "1", "reason": "Opinion, not a fact."},
        effect=_status_is("candidate", "dismissed"),
    ),
    ActionRow(
        "action",
        ("claims.Claim", "assign"),
        cells(EDITORS_ACTION),
        selected=_select("open"),
        data=lambda w: {"apply": "1", "assignee": w.users["outsider"].pk},
        effect=_status_is("open", "researching"),
    ),
    ActionRow(
        "action",
        ("claims.Claim", "merge"),
        cells(EDITORS_ACTION),
        selected=_select("open", "keep"),
        data=lambda w: {"apply": "1", "keep": w.claims["keep"].pk},
        effect=_status_is("open", "duplicate"),
    ),
    ActionRow(
        "action",
        ("claims.Claim", "reopen"),
        cells(EDITORS_ACTION),
        selected=_select("dismissed"),
        data=lambda w: {"apply": "1"},
        effect=_status_is("dismissed", "open"),
    ),
    ActionRow(
        "action",
        ("claims.Feed", "poll_now"),
        cells(EDITORS_ACTION),
        selected=_select("claims.Feed"),
        effect=lambda w, r: any("1 feed(s) queued" in str(m) for m in get_messages(r.wsgi_request)),
    ),
    *[
        ActionRow(
            "action",
            ("claims.ClaimLead", name),
            cells(LEAD_ACTION),
            selected=_select("claims.ClaimLead"),
            effect=lambda w, _r: reload(w.objects["claims.ClaimLead"]).state != "new",
        )
        for name in ("accept_supports", "accept_refutes", "accept_context", "dismiss")
    ],
    ActionRow(
        "action",
        ("claims.WebhookSubscription", "enable"),
        cells(SUPERUSER_ACTION),
        selected=_select("claims.WebhookSubscription"),
        effect=lambda w, _r: reload(w.objects["claims.WebhookSubscription"]).is_active,
    ),
    ActionRow(
        "action",
        ("claims.WebhookDelivery", "retry_now"),
        cells(SUPERUSER_ACTION),
        selected=_select("claims.WebhookDelivery"),
        effect=lambda w, _r: reload(w.objects["claims.WebhookDelivery"]).status == "pending",
    ),
    ActionRow(
        "action",
        ("sources.Source", "pull_now"),
        cells(SUPERUSER_ACTION),  # needs sources.change_source, which no role holds
        selected=_select("sources.Source"),
        effect=lambda w, _r: reload(w.objects["sources.Source"]).queued_at is not None,
    ),
    ActionRow(
        "action",
        ("axes.AccessAttempt", "cleanup_expired_attempts"),
        cells(SUPERUSER_ACTION),
        selected=_select("axes.AccessAttempt"),
        settings=(("AXES_ENABLED", True),),  # as in production (the tests switch login throttling off)
        known_bugs=(
            (
                "superuser",
                "django-axes 8.3.1: the action reads request.axes_attempt_time, which only its login"
                " handler sets, so it fails with a server error (AttributeError)",
            ),
        ),
        effect=lambda w, _r: reload(w.objects["axes.AccessAttempt"]) is None,
    ),
    *[
        ActionRow(
            "action",
            (label, "delete_selected"),
            {
                "anonymous": "login",
                "token": "login",
                **{
                    p: BULK_DELETE_OUTCOMES.get(_delete_grant(g), "hidden")
                    for p, g in zip(STAFF, grants, strict=True)
                },
            },
            selected=_select(label),
            data=lambda w: {"post": "yes"},
            effect=lambda w, _r, label=label: reload(w.objects[label]) is None,
        )
        for label, grants in ADMIN_MODELS.items()
        if admin.site._registry[apps.get_model(label)].actions is not None
    ],
]

ALL_ROWS = [*API_ROWS, *_standard_admin_rows(), *ADMIN_PAGE_ROWS, *ACTION_ROWS]


# --- running a cell ---------------------------------------------------------------------------------


def rows_written() -> int:
    """Rows inserted, updated or deleted so far, in any table but the sessions: a refused write adds none.

    Counted by the database itself (SQLite's ``total_changes``, PostgreSQL's per-transaction table
    statistics), so that no table can be forgotten, and a write undone by a rollback still counts.
    """
    if connection.vendor == "sqlite":
        return connection.connection.total_changes
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables"
            " WHERE relname <> 'django_session'"
        )
        return cursor.fetchone()[0]


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _is_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def _client(world: World, row: Row, principal: str):
    if row.kind == "api":
        client = APIClient()
        if principal != "anonymous":
            client.credentials(HTTP_AUTHORIZATION="Token " + world.tokens[principal])
        return client
    client = Client()
    if principal != "anonymous":  # logged in once for the module (the session row outlives the cells)
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[principal]
    return client


def _send(client, row: Row, world: World):
    url = row.url(world)
    data = row.data(world) if row.data else {}
    if row.method == "GET":
        return client.get(url)
    if row.kind == "api":
        return getattr(client, row.method.lower())(url, data, format="json")
    return client.post(url, data)


def run_cell(world: World, row: Row, principal: str) -> str:
    """Send the row's request as ``principal`` and name the outcome; a refused write must change nothing."""
    client = _client(world, row, principal)
    if row.kind == "action":
        return _run_action(client, world, row, principal)
    before = rows_written()
    response = _send(client, row, world)
    if row.effect is not None and row.effect(world, response):
        assert response.status_code < 400, response.status_code
        return "done"
    written = rows_written() - before
    assert written == 0, f"a refused {row.method} wrote {written} rows (status {response.status_code})"
    if _is_login(response):
        return "login"
    if row.marker and response.status_code == 200:
        return "sees" if row.marker in _body(response) else "blind"
    return str(response.status_code)


def _offered(world: World, principal: str, model_admin, name: str, url: str) -> bool:
    """Whether ``principal`` gets the changelist with the action in its menu (what the page is built from)."""
    request = RequestFactory().get(url)
    request.user = world.users[principal] if principal != "anonymous" else AnonymousUser()
    return (
        admin.site.has_permission(request)
        and model_admin.has_view_or_change_permission(request)
        and name in model_admin.get_actions(request)
    )


def _run_action(client, world: World, row: ActionRow, principal: str) -> str:
    """Post the action on the changelist, offered or not: done, refused (an error shown), noop or hidden."""
    label, name = row.key
    model_admin = admin.site._registry[apps.get_model(label)]
    changelist = reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist")
    before = rows_written()
    data = {"action": name, "index": "0", "_selected_action": row.selected(world)}
    response = client.post(changelist, {**data, **(row.data(world) if row.data else {})})
    offered = _offered(world, principal, model_admin, name, changelist)
    if row.effect(world, response):
        assert offered, f"{name} ran for a caller it is not offered to"
        return "done"
    written = rows_written() - before
    assert written == 0, f"{name} wrote {written} rows without its effect"
    if _is_login(response):
        return "login"
    if not offered:
        return "hidden"
    shown = [m.level for m in get_messages(response.wsgi_request)]
    refused = response.status_code == 403 or any(level >= messages.WARNING for level in shown)
    return "refused" if refused else "noop"
