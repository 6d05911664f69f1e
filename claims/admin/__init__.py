"""Admin for the claims app: one module per model group, plus the workflow pages and the dashboard."""

from django.contrib import admin

from claims import feeds_admin  # noqa: F401 - feeds, feed items, external reviews and claim leads
from claims.admin import articles, claims, evidence, people, verdicts  # noqa: F401 - registers the ModelAdmins

admin.site.index_template = "claims/admin/index.html"
admin.site.site_header = "factcheck"
admin.site.site_title = "factcheck admin"
# "View site" leads to the public list of checks, not to a 404 at the site root.
admin.site.site_url = "/checks/"
