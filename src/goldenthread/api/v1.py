"""Version 1 of the API: every router, its authentication, the OpenAPI schema and its page."""

from __future__ import annotations

from ninja import NinjaAPI

from goldenthread.access.policy import API_NAMESPACE
from goldenthread.api import plans
from goldenthread.api.auth import BrowserSession

api = NinjaAPI(
    title="goldenthread",
    version="1",
    description=(
        "Plans, their measures and judgements, and the quarterly cycle, under the same access rules "
        "as the pages. Authenticate with your browser session or a personal API token "
        "(Authorization: Bearer <token>)."
    ),
    urls_namespace=API_NAMESPACE,  # left by the access middleware to api/guard.py
    auth=[BrowserSession()],
)
api.add_router("/plans/", plans.router)
