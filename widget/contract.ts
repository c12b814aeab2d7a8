// The hand-off between the loader (widget.js, always on the host page) and the app bundle
// (widget-app.js, fetched on first open). Types only: nothing here may end up in either bundle.
import type { AskField } from "../shared/protocol.ts";

export type Position = "left" | "right";

/** The owner's look for the visitor's language, each field checked by look.ts `lookOf`. */
export type Look = {
  /** #rrggbb, and the text colour that reads on it. */
  color?: string;
  ink?: string;
  position?: Position;
  launcher?: string;
  greeting?: string;
  team?: string;
  avatar?: string;
};

export type WidgetConfig = {
  /** Public site key from `data-site`. */
  site: string;
  /** API origin: `data-api`, else the origin the loader was served from. */
  api: string;
  /** UI language already resolved by the loader (`en`, `es`, …). */
  locale: string;
  position: Position;
  /** `data-article`: the help-centre article this page shows; new conversations carry it as context. */
  article?: string;
  /** The owner's look and words for this locale (GET /v1/config), already checked (look.ts). */
  look?: Look;
};

/** What the loader gives the app when the app script runs. */
export type Host = {
  config: WidgetConfig;
  /** The shadow root the launcher lives in; the app renders its panel and styles into it. */
  root: ShadowRoot;
  launcher: HTMLButtonElement;
  /** The app reports open/closed so the loader can update the launcher and remember it across reloads. */
  setOpen(open: boolean): void;
};

/** `EdgeDesk.identify(user, signature)`: who the visitor is, as the host page knows it. */
export type IdentifyUser = {
  id: string;
  email?: string;
  name?: string;
  attributes?: Record<string, string | number | boolean>;
};
/**
 * From the site's server: hex HMAC-SHA256 of the canonical string, and its Unix-seconds timestamp. The
 * v2 string signs every field; the older v1 only id and email (docs/identity.md "The signed string").
 */
export type IdentitySignature = { hmac: string; ts: number };

/** What the app gives back; the loader forwards `EdgeDesk.open/close/identify` and launcher clicks to it. */
export type App = { open(): void; close(): void; identify(user: IdentifyUser, sig?: IdentitySignature): void };

/**
 * The loader puts this on the `<script>` element it injects, and the app reads it from
 * `document.currentScript`: the two meet without another global on the host page.
 */
export type AppScript = HTMLScriptElement & { edgedesk?: (factory: (host: Host) => App) => void };

/**
 * The app's lazy chunks (widget/app/lazy.ts): the app makes the <script> element and puts its hand-off
 * on it; the chunk, a classic script, calls it with what it brings.
 */
export type ChunkScript<T> = HTMLScriptElement & { edgedesk?: (value: T) => void };

/** What the app gives the upload chunk (widget-upload.js, widget/upload/) when a visitor first attaches. */
export type UploadHost = {
  api: string;
  site: string;
  /** The language the chat speaks now (the chunk brings its own words for it). */
  locale(): string;
  /** The conversation the files go to: the current one, or one opened for the first file. */
  conversation(): Promise<{ id: string; token: string } | null>;
  /** Where the chips of files waiting to be sent are drawn; the shadow root takes the chunk's styles. */
  tray: HTMLElement;
  root: ShadowRoot;
  /** How many files wait for Send, and whether one is on its way: the app's Send button follows. */
  changed(waiting: number, busy: boolean): void;
};

/** What the upload chunk gives back. */
export type Uploader = {
  /** Files picked, dropped or pasted: each is checked at once (a refused one says why) and waits for Send. */
  add(files: readonly File[]): void;
  /** Sends the files that wait, one after the other. */
  send(): void;
};

/**
 * What the app gives the form chunk (widget-form.js, widget/form/) when an action first asks for a
 * value: how to send a customer message with its choice (`form:<call>` with the value, `cancel:<call>`).
 */
export type SendChoice = (text: string, choice: string) => unknown;

/** What the form chunk gives back. */
export type AskForm = {
  /**
   * Draws the form for what `message` (the last bot message, with its `field`) asks, in `box` (between
   * the conversation and the composer, in the widget's shadow root), in `locale`; or takes it away
   * (no message: nothing is asked any more, or the chat view is not shown), giving the focus back to
   * `composer` if it was in the form. The same call asked again keeps what the customer typed and says
   * why the worker refused it. Answers whether a form is shown.
   */
  show(
    message: { id: string; field?: AskField | undefined } | undefined,
    box: HTMLElement | undefined | null,
    locale: string,
    composer: { current: HTMLElement | null },
  ): boolean;
};

/** `window.EdgeDesk`. A host page may also pre-declare `{ q: [["open"]] }` before the loader arrives. */
export type EdgeDeskApi = { open(): void; close(): void; identify(user: IdentifyUser, sig?: IdentitySignature): void };

declare global {
  interface Window {
    EdgeDesk?: EdgeDeskApi | { q?: unknown[][] };
  }
}
