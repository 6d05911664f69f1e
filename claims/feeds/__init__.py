"""Follow-up feeds: poll feeds and fact-checkers' pages, store external reviews, match them to claims.

See docs/feeds.md. Models live in ``claims.models_feeds``; tasks in ``claims.feeds.tasks``.
"""
