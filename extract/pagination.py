"""Page-token iteration: one page at a time, so each page can land in its own transaction."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from extract.client import YouTubeClient
from extract.resources import MAX_PAGE_SIZE, Resource


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


def iter_pages(
    client: YouTubeClient, resource: Resource, params: dict[str, Any], what: str
) -> Iterator[Page]:
    """Yield every page of a list call, following ``nextPageToken`` to the end."""
    token = ""
    seen_tokens: set[str] = set()
    page_number = 1
    offset = 0
    while True:
        call_params = dict(params)
        if resource.paged:
            call_params["maxResults"] = MAX_PAGE_SIZE
            if token:
                call_params["pageToken"] = token
        response = client.list(resource, call_params, f"{what} (page {page_number})")
        page = Page(
            resource, params, token, offset, response.body, response.captured_at, response.cost
        )
        yield page
        offset += len(page.items)
        next_token = page.next_page_token if resource.paged else None
        if not next_token or next_token in seen_tokens:
            return  # a repeated token would loop forever: the listing is complete
        seen_tokens.add(next_token)
        token = next_token
        page_number += 1
