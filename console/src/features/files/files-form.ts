// Settings → Files: the form ↔ the workspace's policy (pure; files-form.test.ts). Sizes are typed in MB;
// the policy keeps bytes, within the bounds the worker holds in memory (shared/files.ts).
import * as z from "zod/mini";
import { filePolicySchema } from "../../../../shared/attachments.ts";
import { type FileKind, type FilePolicy, fileKinds, MAX_MAX_BYTES, MIN_MAX_BYTES } from "../../../../shared/files.ts";

const MB = 1024 * 1024;

export type FilesForm = { mb: string; types: Record<FileKind, boolean> };

export const KIND_LABELS: Record<FileKind, string> = {
  png: "PNG images",
  jpeg: "JPEG photos",
  gif: "GIF images",
  webp: "WebP images",
  pdf: "PDF documents (always downloaded, never shown in the page)",
};

export function toForm(p: FilePolicy): FilesForm {
  const mb = Math.round((p.maxBytes / MB) * 10) / 10;
  return {
    mb: String(mb),
    types: Object.fromEntries(fileKinds.map((k) => [k, p.types.includes(k)])) as Record<FileKind, boolean>,
  };
}

export function fromForm(f: FilesForm): { ok: true; policy: FilePolicy } | { ok: false; error: string } {
  const mb = Number(f.mb.trim().replace(",", "."));
  const maxBytes = Math.round(mb * MB);
  if (!f.mb.trim() || !Number.isFinite(mb) || maxBytes < MIN_MAX_BYTES || maxBytes > MAX_MAX_BYTES)
    return {
      ok: false,
      error: `The largest file is between ${MIN_MAX_BYTES / 1024} KB (0.1 MB) and ${MAX_MAX_BYTES / MB} MB.`,
    };
  const policy = { maxBytes, types: fileKinds.filter((k) => f.types[k]) };
  const checked = z.safeParse(filePolicySchema, policy);
  return checked.success ? { ok: true, policy: checked.data } : { ok: false, error: "These settings cannot be saved." };
}
