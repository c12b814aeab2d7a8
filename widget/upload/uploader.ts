// widget-upload.js's work: the chips of files waiting in the composer's tray (a preview of an image,
// the name and size, why a file is refused, a progress bar while it goes, remove and try again), and
// the uploads themselves (XMLHttpRequest for its upload progress; the token in a header, never the
// URL). Plain DOM: the chunk carries no framework. Each chip's elements are made once and updated in
// place, so progress never moves the focus of someone on its buttons.
import { DEFAULT_FILE_POLICY, type FilePolicy, fileSize, SNIFF_BYTES } from "../../shared/files.ts";
import { bearer } from "../../shared/credentials.ts";
import { valid } from "../app/shape.ts";
import { filePolicyAnswer } from "../app/wire-shapes.gen.ts";
import type { Uploader, UploadHost } from "../contract.ts";
import { type Item, judge, outcome, pending, reasons } from "./queue.ts";
import css from "./styles.css?inline";
import { words } from "./words.ts";

type Chip = {
  li: HTMLLIElement;
  bar: HTMLProgressElement;
  msg: HTMLSpanElement;
  retry: HTMLButtonElement;
  preview?: string;
};

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text = ""): HTMLElementTagNameMap[K] =>
  Object.assign(document.createElement(tag), { className: cls, textContent: text });

const randomId = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(36)).join("");

export function makeUploader(host: UploadHost): Uploader {
  host.root.append(el("style", "", css));
  const list = el("ul", "up-list");
  const items = new Map<string, Item>();
  const chips = new Map<string, Chip>();
  let busy = false;

  const policy: Promise<FilePolicy> = fetch(`${host.api}/v1/attachments/policy?site=${encodeURIComponent(host.site)}`, {
    credentials: "omit",
  })
    .then((r) => (r.ok ? r.json() : null))
    .then((v: unknown) => (valid(filePolicyAnswer, v) ? (v as FilePolicy) : DEFAULT_FILE_POLICY))
    .catch(() => DEFAULT_FILE_POLICY);
  /** The policy once known, for the words of a refusal the server made. */
  let rules = DEFAULT_FILE_POLICY;
  void policy.then((p) => (rules = p));

  function draw(item: Item): void {
    const t = words(host.locale());
    const c = chips.get(item.id);
    if (!c) return;
    c.li.dataset.state = item.state;
    c.bar.hidden = item.state !== "sending";
    c.bar.value = item.progress;
    const problem = item.error ? t(item.error, item.params) : "";
    c.msg.textContent = item.state === "sending" ? t("sending") : item.state === "waiting" ? t("waiting") : problem;
    // Said once, when it goes wrong: a live region for refusals and failures only.
    c.msg.setAttribute("role", problem ? "alert" : "status");
    c.retry.hidden = item.state !== "failed";
    c.retry.textContent = t("retry");
    list.setAttribute("aria-label", t("files"));
    host.changed(pending([...items.values()]), busy);
  }

  function set(item: Item): void {
    items.set(item.id, item);
    draw(item);
  }

  function remove(id: string): void {
    const c = chips.get(id);
    if (c?.preview) URL.revokeObjectURL(c.preview);
    c?.li.remove();
    chips.delete(id);
    items.delete(id);
    if (!items.size) list.remove();
    host.changed(pending([...items.values()]), busy);
  }

  function chip(item: Item): void {
    const t = words(host.locale());
    const li = el("li", "up");
    // The customer's own file from their disk (nothing fetched): a preview when the browser calls it an image.
    const preview = item.file.type.startsWith("image/") ? URL.createObjectURL(item.file) : undefined;
    const thumb = preview
      ? Object.assign(el("img", "up-thumb"), { src: preview, alt: "" })
      : el("span", "up-thumb", "PDF");
    const name = el("span", "up-name", item.file.name);
    const size = el("span", "up-size", fileSize(item.file.size));
    const bar = el("progress", "up-bar");
    bar.max = 1;
    const msg = el("span", "up-msg");
    const retry = el("button", "up-retry");
    retry.type = "button";
    retry.onclick = () => {
      set({ ...item, state: "ready", progress: 0 });
      send();
    };
    const x = el("button", "up-x", "×");
    x.type = "button";
    x.setAttribute("aria-label", t("remove", { name: item.file.name }));
    x.onclick = () => remove(item.id);
    li.append(thumb, el("span", "up-text"), x);
    li.children[1]?.append(name, size, bar, msg, retry);
    list.append(li);
    if (!list.isConnected) host.tray.append(list);
    chips.set(item.id, { li, bar, msg, retry, ...(preview ? { preview } : {}) });
  }

  async function check(item: Item): Promise<void> {
    const head = new Uint8Array(await item.file.slice(0, SNIFF_BYTES).arrayBuffer());
    if (items.has(item.id)) set(judge(item, head, await policy));
  }

  function upload(item: Item, conv: { id: string; token: string }): Promise<void> {
    return new Promise((done) => {
      const x = new XMLHttpRequest();
      x.open("POST", `${host.api}/v1/attachments/${encodeURIComponent(conv.id)}?site=${encodeURIComponent(host.site)}`);
      for (const [k, v] of Object.entries(bearer(conv.token))) x.setRequestHeader(k, v);
      x.setRequestHeader("content-type", "application/octet-stream");
      x.setRequestHeader("x-file-name", encodeURIComponent(item.file.name));
      x.setRequestHeader("x-client-id", item.clientId);
      x.upload.onprogress = (e) =>
        e.lengthComputable && set({ ...item, state: "sending", progress: e.loaded / e.total });
      x.onloadend = () => {
        let code: string | undefined;
        try {
          code = (JSON.parse(x.responseText) as { error?: string }).error;
        } catch {
          // not our error body
        }
        const o = outcome(x.status, code, x.getResponseHeader("retry-after"));
        if (o.k === "done") remove(item.id);
        else if (o.k === "wait") {
          set({ ...item, state: "waiting" });
          setTimeout(done, o.ms);
          return;
        } else if (o.k === "refused") set({ ...item, state: "refused", error: o.error, params: reasons(rules) });
        else set({ ...item, state: "failed", error: "failed" });
        done();
      };
      set({ ...item, state: "sending", progress: 0 });
      x.send(item.file);
    });
  }

  /** One file at a time, in the order they were added, until none is ready. */
  async function send(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      for (;;) {
        const next = [...items.values()].find((i) => i.state === "ready" || i.state === "waiting");
        if (!next) break;
        const conv = await host.conversation();
        if (!conv) {
          set({ ...next, state: "failed", error: "failed" });
          continue;
        }
        await upload(next, conv);
      }
    } finally {
      busy = false;
      host.changed(pending([...items.values()]), busy);
    }
  }

  return {
    add(files) {
      for (const file of files) {
        const item: Item = { id: randomId(), clientId: `f-${randomId()}`, file, state: "checking", progress: 0 };
        items.set(item.id, item);
        chip(item);
        draw(item);
        void check(item);
      }
    },
    send: () => void send(),
  };
}
