"""The editorial roles as data: groups Editor and Reviewer and their model permissions.

Model permissions let staff into the admin pages; what a reviewer may do to *which* claim is decided by
``claims.permissions`` and enforced in ``claims.services``. A data migration calls
:func:`sync_role_groups`; to change a role, edit the table and add a migration that calls it again.
"""

from django.apps import apps as global_apps

# app_label.model -> actions. Nobody but superusers deletes claims, verdicts or evidence: the audit trail
# and published corrections must survive (a claim is dismissed or merged instead).
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "Editor": {
        "claims.article": ("view", "add", "change"),
        "claims.claimant": ("view", "add", "change", "delete"),
        "claims.tag": ("view", "add", "change", "delete"),
        "claims.claim": ("view", "add", "change"),
        "claims.evidence": ("view", "add", "change"),
        "claims.verdict": ("view", "add", "change"),
        "claims.rating": ("view", "add", "change"),
        "claims.claimevent": ("view",),
        "sources.source": ("view", "add"),
        "sources.snapshot": ("view",),
        # Follow-up feeds (docs/feeds.md): editors configure feeds; leads are decided by editors and
        # the claim's assignee (checked in claims.feeds.leads). Deleting a feed deletes the items it
        # gathered, so editors may delete items too (else a polled feed could only be disabled).
        "claims.feed": ("view", "add", "change", "delete"),
        "claims.feeditem": ("view", "delete"),
        "claims.externalreview": ("view",),
        "claims.claimlead": ("view", "change"),
    },
    "Reviewer": {
        "claims.article": ("view",),
        "claims.claimant": ("view", "add", "change"),
        "claims.tag": ("view",),
        "claims.claim": ("view", "change"),
        "claims.evidence": ("view", "add", "change"),
        "claims.verdict": ("view", "add", "change"),
        "claims.rating": ("view",),
        "claims.claimevent": ("view",),
        "sources.source": ("view",),
        "sources.snapshot": ("view",),
        "claims.feeditem": ("view",),
        "claims.externalreview": ("view",),
        "claims.claimlead": ("view", "change"),
    },
}


def _model_exists(apps, app_label: str, model: str) -> bool:
    try:
        apps.get_model(app_label, model)
    except LookupError:
        return False
    return True


def sync_role_groups(apps=global_apps) -> None:
    """Create the role groups with exactly the permissions in the table; LookupError if one is missing."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for group_name, grants in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        wanted = []
        for label, actions in grants.items():
            app_label, model = label.split(".")
            if not _model_exists(apps, app_label, model):
                # An older migration syncing with today's table: models added since are granted by the
                # migration that creates them (it calls this function again).
                continue
            for action in actions:
                try:
                    wanted.append(
                        permission_model.objects.get(
                            content_type__app_label=app_label, codename=f"{action}_{model}"
                        )
                    )
                except permission_model.DoesNotExist:
                    raise LookupError(f"permission {app_label}.{action}_{model} does not exist") from None
        group.permissions.set(wanted)
