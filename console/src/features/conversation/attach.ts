// An agent's files before they travel (docs/attachments.md): the same check the server makes, on the
// file's first bytes against the workspace's policy (shared/files.ts), so a refusal is said at once in
// the composer. The server checks again; a policy that cannot be read leaves the judging to it.
import { fileSettingsSchema } from "../../../../shared/attachments.ts";
import {
  checkFile,
  DEFAULT_FILE_POLICY,
  type FilePolicy,
  fileKinds,
  fileSize,
  SNIFF_BYTES,
} from "../../../../shared/files.ts";
import { api } from "../../lib/api.ts";

let policy: Promise<FilePolicy> | undefined;

/** The workspace's policy, asked once per page (an owner's change shows after a reload). */
const current = () =>
  (policy ??= api("/api/files", fileSettingsSchema).then(
    (s) => s.policy,
    () => DEFAULT_FILE_POLICY,
  ));

/** Why a file would be refused, in an agent's words (pure: attach.test.ts). */
export function refusal(head: Uint8Array, size: number, p: FilePolicy): string | null {
  if (!p.types.length) return "This workspace does not take files (Settings → Files).";
  const v = checkFile(head, size, p);
  if (v.ok) return null;
  return v.error === "file_too_large"
    ? `Larger than this workspace takes (${fileSize(p.maxBytes)}).`
    : `Only ${(p.types.length ? p.types : fileKinds).map((k) => k.toUpperCase()).join(", ")} files can be sent; the file's content decides, not its name.`;
}

export async function precheck(file: File): Promise<string | null> {
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  return refusal(head, file.size, await current());
}
