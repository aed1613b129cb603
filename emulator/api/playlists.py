"""``playlists.list`` (a channel's playlists, or by ``id``) and ``playlistItems.list`` (a
playlist's entries, optionally one ``videoId``, or by ``id``).

A channel's playlists come newest first and never include its uploads playlist; the uploads
playlist (``UU...``) is listed through ``playlistItems.list`` like any other. Unknown channels and
playlists answer 404 ``channelNotFound`` / ``playlistNotFound``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from emulator.api.errors import channel_not_found, playlist_not_found
from emulator.api.paging import listing, paged
from emulator.api.render import render_playlist, render_playlist_item
from emulator.api.request import Call, filters, ids, max_results
from emulator.entities import VIDEO_KIND, PlaylistItem


def list_playlists(call: Call) -> dict[str, Any]:
    world = call.world
    (name,) = filters(call, ["channelId", "id", "mine"])
    if name == "id":
        per_page = max_results(call.params, 0)
        found = [p for i in ids(call.params["id"]) if (p := world.playlist(i))]
        items = [render_playlist(world, p, call.parts) for p in found]
        return listing(
            "youtube#playlistListResponse", items, page=None, total=len(items), per_page=per_page
        )
    channel_id = call.params["channelId"]
    if channel_id not in world.channels:
        raise channel_not_found()
    playlists = world.playlists_of(channel_id)
    rows, page = paged(call, playlists, f"playlists|{channel_id}", 0)
    return listing(
        "youtube#playlistListResponse",
        [render_playlist(world, p, call.parts) for p in rows],
        page=page,
        total=len(playlists),
        per_page=page.size,
    )


def list_playlist_items(call: Call) -> dict[str, Any]:
    world = call.world
    (name,) = filters(call, ["id", "playlistId"])
    if name == "id":
        per_page = max_results(call.params, 0)
        found = [pair for i in ids(call.params["id"]) if (pair := world.playlist_item(i))]
        items = [render_playlist_item(world, p, e, call.parts) for p, e in found]
        return listing(
            "youtube#playlistItemListResponse",
            items,
            page=None,
            total=len(items),
            per_page=per_page,
            items_first=True,
        )
    playlist_id = call.params["playlistId"]
    playlist = world.playlist(playlist_id)
    if playlist is None:
        raise playlist_not_found()
    entries: Sequence[PlaylistItem] = playlist.items
    video_id = call.params.get("videoId")
    if video_id:
        entries = [e for e in entries if e.video_id == video_id and e.resource_kind == VIDEO_KIND]
    scope = f"playlistItems|{playlist_id}|{video_id or ''}"
    rows, page = paged(call, entries, scope, 0)
    return listing(
        "youtube#playlistItemListResponse",
        [render_playlist_item(world, playlist, e, call.parts) for e in rows],
        page=page,
        total=len(entries),
        per_page=page.size,
        items_first=True,
    )
