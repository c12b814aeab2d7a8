// A message's files in the live chat (docs/attachments.md). Images are shown from bytes the widget
// fetched with the conversation token in a header (never a URL that carries a secret), as blob URLs of
// the image type the message names (the type the server sniffed); anything else (a PDF) is a button
// that saves it as plain bytes, never opened in the page. An image that cannot be fetched is a button too.
import { useEffect } from "preact/hooks";
import { useSignal } from "@preact/signals";
import type { AttachmentRef } from "../../shared/protocol.ts";
import { auth, type Conv } from "./http.ts";

type Where = { api: string; site: string; conv: Conv };

/** Blob URLs by file and type, once per page: the transcript re-renders, a file never changes. */
const urls = new Map<string, Promise<string>>();

function blobUrl({ api, site, conv }: Where, f: AttachmentRef, type: string): Promise<string> {
  const key = f.id + type;
  let p = urls.get(key);
  if (!p) {
    p = fetch(`${api}/v1/attachments/${conv.id}/${f.id}?site=${encodeURIComponent(site)}`, { headers: auth(conv) })
      .then((r) => (r.ok ? r.blob() : Promise.reject()))
      .then((b) => URL.createObjectURL(new Blob([b], { type })));
    p.catch(() => urls.delete(key));
    urls.set(key, p);
  }
  return p;
}

/** The raster image types the server sniffs and serves inline (shared/files.ts); anything else is a download. */
const IMAGE = /^image\/(png|jpeg|gif|webp)$/;

function File({ w, f }: { w: Where; f: AttachmentRef }) {
  // A signal, not useState: the app uses no useState (preact/hooks' useState and useReducer stay out of the bundle).
  const src = useSignal<string | null | undefined>(undefined);
  const image = IMAGE.test(f.type);
  useEffect(() => {
    if (image)
      blobUrl(w, f, f.type).then(
        (u) => (src.value = u),
        () => (src.value = null),
      );
  }, [f.id]);
  if (image && src.value !== null) return <img class="shot" src={src.value} alt={f.name} />;
  const save = () =>
    blobUrl(w, f, "application/octet-stream").then((href) =>
      Object.assign(document.createElement("a"), { href, download: f.name }).click(),
    );
  return (
    <button type="button" class="opt doc" onClick={save}>
      {f.name}
    </button>
  );
}

export function Files({ files, ...w }: Where & { files: readonly AttachmentRef[] }) {
  return (
    <div class="files">
      {files.map((f) => (
        <File key={f.id} w={w} f={f} />
      ))}
    </div>
  );
}
