"""The paging loop: every page a run reads goes through :class:`Pager`, one page at a time,
each landing in its own transaction (re-used, not modified, or asked for: see ``Pager``).

Every paged listing goes through a :class:`PageGuard`: a listing that hands out more page
tokens than its own counts allow (``pageInfo.totalResults``, a playlist's ``itemCount``, a
channel's ``videoCount``, with a margin for what changes while it is read), or hands out a
token it already gave, is stopped there and fails as that listing's error. Each page costs
quota, so a runaway ``nextPageToken`` would otherwise spend the day's budget on one listing.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from extract.client import Response, YouTubeClient
from extract.errors import RunawayListing
from extract.load import LedgerRow, RawStore, request_key
from extract.resources import MAX_PAGE_SIZE, Resource, api_count

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class PageRead:
    """One page as the steps need it, wherever it came from."""

    items: list[Any]  # a 304's are those of the landing it matched
    count: int  # items on the page
    next_token: str | None
    total_results: int | None  # the listing's pageInfo.totalResults


class Pager:
    """The paging loop of every run: each page from wherever it is cheapest, landed as it
    comes.

    A page is, in this order: re-used when an earlier attempt of the same run has it (a
    resume asks the API nothing twice); asked for with ``If-None-Match`` when the resource is
    conditional and the ledger has an ETag for it, a 304 then writing a ledger row that points
    at the landing holding its items (read back only for the resources in ``items_needed``;
    when they are gone the page is asked for again without the ETag); else asked for and
    landed with its ledger row in one transaction. Paged listings follow ``nextPageToken``
    under a :class:`PageGuard`.
    """

    def __init__(
        self,
        client: YouTubeClient,
        store: RawStore,
        run_id: str,
        prior: dict[tuple[str, str, str], LedgerRow] | None = None,
        items_needed: Iterable[str] | None = None,
        on_page: Callable[[str, int], None] | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.run_id = run_id
        # What an earlier attempt of this run landed: re-used, never asked for again.
        self.prior = prior or {}
        # Resources whose items the caller reads (ids for a later step); the others' are only
        # counted, so a 304 or a re-used page of them reads nothing back. None: all of them.
        self.items_needed = None if items_needed is None else frozenset(items_needed)
        self.on_page = on_page  # (what, items on the page), once per page read or landed
        self.pages_not_modified = 0  # 304s to our conditional requests
        self.pages_reused = 0  # pages an earlier attempt of the run already had
        self.landing_seconds = 0.0  # writing pages and ledger rows

    def listing(
        self,
        resource: Resource,
        params: dict[str, Any],
        what: str,
        expected_items: int | None = None,
    ) -> list[Any]:
        """Every page of one listing, following ``nextPageToken``; returns its items.

        ``expected_items`` (a playlist's ``itemCount``...) bounds the pages with the listing's
        own ``totalResults``: a runaway listing raises ``RunawayListing`` (``PageGuard``)."""
        key = request_key(params)
        guard = PageGuard(what, expected_items)
        token, offset = "", 0
        items: list[Any] = []
        while True:
            label = f"{what} (page {guard.pages + 1})" if resource.paged else what
            read = self.page(resource, params, label, token, offset, key)
            items.extend(read.items)
            offset += read.count
            if not resource.paged:
                return items
            next_token = guard.follow(read.next_token, read.total_results)
            if next_token is None:
                return items
            token = next_token

    def page(
        self,
        resource: Resource,
        params: dict[str, Any],
        what: str,
        token: str = "",
        offset: int = 0,
        key: str | None = None,
    ) -> PageRead:
        """One page (``token``; ``""`` is the first): re-used, not modified, or asked for."""
        key = key or request_key(params)
        prior = self.prior.get((resource.name, key, token))
        if prior is not None:
            reused = self._reuse(resource, key, token, prior)
            if reused is not None:
                self.pages_reused += 1
                return reused
        call_params = dict(params)
        if resource.paged:
            call_params["maxResults"] = MAX_PAGE_SIZE
            if token:
                call_params["pageToken"] = token
        matched = (
            self.store.latest_etag(resource.name, key, token) if resource.conditional else None
        )
        if matched is not None and matched.etag:
            response = self.client.list(resource, call_params, what, etag=matched.etag)
            if response.not_modified:
                read = self._not_modified(resource, params, key, token, matched, response, what)
                if read is not None:
                    return read
                log.warning(
                    "%s: not modified, but the items landed with ETag %s are not in the raw "
                    "tables any more; asking again without the ETag",
                    what,
                    matched.etag,
                )
                response = self.client.list(resource, call_params, what)
        else:
            response = self.client.list(resource, call_params, what)
        page = Page(
            resource, params, token, offset, response.body, response.captured_at, response.cost
        )
        started = time.monotonic()
        self.store.land_page(self.run_id, page)
        self.landing_seconds += time.monotonic() - started
        self._counted(what, len(page.items))
        return PageRead(page.items, len(page.items), page.next_page_token, page.total_results)

    def _not_modified(
        self,
        resource: Resource,
        params: dict[str, Any],
        key: str,
        token: str,
        matched: LedgerRow,
        response: Response,
        what: str,
    ) -> PageRead | None:
        """A 304: the ledger row pointing at the landing with the ETag (None: it is gone)."""
        landing = self.store.landing_of(resource.name, key, token, matched.etag or "")
        items = self._items_of(resource, landing, key, token)
        if landing is None or items is None:
            return None
        started = time.monotonic()
        self.store.record_not_modified(
            self.run_id, resource, params, token, matched, response.captured_at, response.cost
        )
        self.landing_seconds += time.monotonic() - started
        self.pages_not_modified += 1
        self._counted(what, landing.item_count)
        return PageRead(items, landing.item_count, matched.next_page_token, landing.total_results)

    def _counted(self, what: str, items: int) -> None:
        if self.on_page is not None:
            self.on_page(what, items)

    def _items_of(
        self, resource: Resource, landing: LedgerRow | None, key: str, token: str
    ) -> list[Any] | None:
        """A landing's items (None if they are gone); read back only when needed."""
        if landing is None:
            return None
        if self.items_needed is not None and resource.name not in self.items_needed:
            return []
        items = self.store.landed_items(resource, landing.run_id, key, token)
        return items if len(items) == landing.item_count else None

    def _reuse(self, resource: Resource, key: str, token: str, prior: LedgerRow) -> PageRead | None:
        """A page an earlier attempt of this run already has (landed, or a 304)."""
        landing: LedgerRow | None = prior
        if prior.not_modified and prior.etag:
            landing = self.store.landing_of(resource.name, key, token, prior.etag)
        items = self._items_of(resource, landing, key, token)
        if landing is None or items is None:
            return None
        return PageRead(items, landing.item_count, prior.next_page_token, landing.total_results)
