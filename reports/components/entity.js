// The one video, playlist or channel a page shows: `?id=` in its URL
// (/videos/video/?id=..., /playlists/playlist/?id=..., /channels/channel/?id=...). One page per
// kind of entity is built, whatever the warehouse holds; the browser reads the id and the
// page's queries fetch only that entity's rows.

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The `id` query parameter of `url` when it is one (YouTube ids are letters, digits, `-` and
 * `_`), else '' (the page then says it is not in the warehouse); safe to put in a query.
 * Call it in the browser only: prerendering has no query string.
 */
export function entityId(url) {
	const raw = url.searchParams.get('id') ?? '';
	return ID.test(raw) ? raw : '';
}
