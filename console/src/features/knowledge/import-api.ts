// `/api/kb-import` calls: the export file goes up as the request body (the JSON client in lib/api.ts
// only sends JSON it serialises itself), and the answers are parsed with shared/kb-import.ts.
import type * as z from "zod/mini";
import {
  type ImportAs,
  type ImportMode,
  type ImportSource,
  importPreviewSchema,
  importResultSchema,
} from "../../../../shared/kb-import.ts";
import { apiErrorSchema } from "../../../../shared/rest.ts";
import { HttpError } from "../../lib/api.ts";

export const SOURCES: { value: ImportSource; label: string; json: boolean }[] = [
  { value: "markdown-zip", label: "Zip of Markdown files (front matter as in kb/)", json: false },
  { value: "zendesk", label: "Zendesk Guide: Help Center API articles JSON", json: true },
  { value: "intercom", label: "Intercom: Articles API JSON", json: true },
  { value: "chatwoot", label: "Chatwoot: portal articles API JSON", json: true },
];

async function send<S extends z.ZodMiniType>(
  path: string,
  file: Blob,
  source: ImportSource,
  schema: S,
): Promise<z.output<S>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        accept: "application/json",
        "content-type": source === "markdown-zip" ? "application/zip" : "application/json",
      },
      body: file,
    });
  } catch {
    throw new HttpError(0, "network", "Cannot reach EdgeDesk. Check your connection and try again.");
  }
  let data: unknown;
  try {
    data = await res.json();
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const err = apiErrorSchema.safeParse(data);
    throw new HttpError(
      res.status,
      err.success ? err.data.error : `http_${res.status}`,
      err.success ? err.data.message : "The import failed.",
    );
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success)
    throw new HttpError(
      res.status,
      "unexpected_answer",
      "EdgeDesk answered in a way this console does not understand.",
    );
  return parsed.data;
}

export const importApi = {
  preview: (file: Blob, source: ImportSource, mode: ImportMode) =>
    send(`/api/kb-import/preview?${new URLSearchParams({ source, mode })}`, file, source, importPreviewSchema),
  apply: (file: Blob, source: ImportSource, mode: ImportMode, as: ImportAs, version: number) =>
    send(
      `/api/kb-import/apply?${new URLSearchParams({ source, mode, as, version: String(version) })}`,
      file,
      source,
      importResultSchema,
    ),
};
