"""Rows for a Schemathesis run against a live server: users of each role with tokens, and claims in
every status for generated ids to land on. Prints ``reviewer_token editor_token``.

Run through ``manage.py shell`` by scripts/schemathesis.sh, on a database of its own.
"""

from rest_framework.authtoken.models import Token

from tests import api_fixtures as fx
from tests.factories import EditorFactory, ReviewerFactory, claim_in_status

editor, reviewer = EditorFactory(), ReviewerFactory()
for status in ("candidate", "open", "researching", "in_review", "published", "dismissed"):
    claim_in_status(status, editor=editor, reviewer=reviewer)
old = fx.published_verdict()
fx.correct(old)
fx.published_verdict(text='A claim with <b>markup</b> & "quotes".', rating="misleading")
print(Token.objects.create(user=reviewer).key, Token.objects.create(user=editor).key)
