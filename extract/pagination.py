"""Page-token iteration: one page at a time, so each page can land in its own transaction.

Every paging loop goes through a :class:`PageGuard`: a listing that hands out more page
tokens than its own counts allow (``pageInfo.totalResults``, a playlist's ``itemCount``, a
channel's ``videoCount``, with a margin for what changes while it is read), or hands out a
token it already gave, is stopped there and fails as that listing's error. Each page costs
quota, so a runaway ``nextPageToken`` would otherwise spend the day's budget on one listing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from extract.client import YouTubeClient
from extract.errors import RunawayListing
from extract.resources import MAX_PAGE_SIZE, Resource, api_count

# Counts move while a listing is read (an upload, a chart re-ranking between two pages):
# allow this much more than they say before calling the listing a runaway.
MARGIN_RATIO = 0.1
MARGIN_PAGES = 2
# A listing without any count (the API sends pageInfo.totalResults on every paged listing
# we read): 20,000 items, the most YouTube pages through in one playlist.
MAX_PAGES_UNCOUNTED = 400


@dataclass(frozen=True)
class Page:
    resource: Resource
    params: dict[str, Any]  # what was asked, without the key and the page token
    page_token: str  # "" for the first page
    offset: int  # items on the pages before this one: item i is at position offset + i
    body: dict[str, Any]
    captured_at: datetime
    cost: int

    @property
    def items(self) -> list[dict[str, Any]]:
        items = self.body.get("items")
        return items if isinstance(items, list) else []  # absent when nothing matched

    @property
    def next_page_token(self) -> str | None:
        token = self.body.get("nextPageToken")
        return token if isinstance(token, str) and token else None

    @property
    def total_results(self) -> int | None:
        info = self.body.get("pageInfo")
        return api_count(info.get("totalResults")) if isinstance(info, dict) else None


def page_limit(*counts: int | None) -> int:
    """The most pages a listing of that many items may take, margin included (the largest
    count wins: they are read at different moments)."""
    known = [count for count in counts if count is not None]
    if not known:
        return MAX_PAGES_UNCOUNTED
    return math.ceil(max(known) * (1 + MARGIN_RATIO) / MAX_PAGE_SIZE) + MARGIN_PAGES


@dataclass
class PageGuard:
    """Follows one listing's page tokens; raises ``RunawayListing`` instead of asking for a
    page the listing's counts do not allow, or for a token it already handed out."""

    what: str
    expected_items: int | None = None  # known before asking: itemCount, videoCount
    pages: int = 0
    limit: int | None = None  # set from the first page's totalResults
    seen: set[str] = field(default_factory=set)

    def follow(self, next_token: str | None, total_results: int | None) -> str | None:
        """Count the page just read; the token to ask for next (None: the listing is done)."""
        self.pages += 1
        if self.limit is None:
            self.limit = page_limit(total_results, self.expected_items)
        if not next_token:
            return None
        said = total_results if total_results is not None else self.expected_items
        if next_token in self.seen:
            raise RunawayListing(
                f"{self.what}: the API handed out a page token it had already given after "
                f"{self.pages} pages (its paging loops); stopped there. The pages read are "
                "kept but this listing is incomplete: the next run lists it again"
            )
        if self.pages >= self.limit:
            counted = f"says it holds {said:,} items" if said is not None else "gives no count"
            raise RunawayListing(
                f"{self.what}: stopped after {self.pages} pages: the listing {counted} (at "
                f"most {self.limit} pages of {MAX_PAGE_SIZE}, margin included) but the API "
                "kept handing out page tokens, each page costing quota. The pages read are "
                "kept but this listing is incomplete: the next run lists it again"
            )
        self.seen.add(next_token)
        return next_token


def iter_pages(
    client: YouTubeClient,
    resource: Resource,
    params: dict[str, Any],
    what: str,
    expected_items: int | None = None,
) -> Iterator[Page]:
    """Yield every page of a list call, following ``nextPageToken`` to the end (``PageGuard``
    stops a runaway listing)."""
    token = ""
    guard = PageGuard(what, expected_items)
    offset = 0
    while True:
        call_params = dict(params)
        if resource.paged:
            call_params["maxResults"] = MAX_PAGE_SIZE
            if token:
                call_params["pageToken"] = token
        response = client.list(resource, call_params, f"{what} (page {guard.pages + 1})")
        page = Page(
            resource, params, token, offset, response.body, response.captured_at, response.cost
        )
        yield page
        offset += len(page.items)
        if not resource.paged:
            return
        next_token = guard.follow(page.next_page_token, page.total_results)
        if next_token is None:
            return
        token = next_token
