// The icon of the help centre, the demo page and the console: a speech bubble on the brand blue.
// Served at /favicon.svg and at /favicon.ico (browsers and crawlers ask for that path on their own;
// every current browser renders an SVG answered there), so no page of the worker answers 404 for it.
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#2550c8"/><path d="M8 9h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2h-9l-5 4v-4H8a2 2 0 0 1-2-2v-9a2 2 0 0 1 2-2z" fill="#fff"/></svg>`;

/** The `<link>` the server-rendered pages carry. */
export const FAVICON_LINK = '<link rel="icon" href="/favicon.svg" type="image/svg+xml">';
