// A message's files in the transcript and the handoff packet (docs/attachments.md): images as
// thumbnails, anything else (a PDF, an email's file) as a chip that downloads it. Both read the
// console's address of the file with the agent's session; the worker serves it with the type sniffed
// from its bytes, inline only for raster images, nosniff and a sandboxing CSP, so nothing it sends runs
// on this origin, whatever the file holds.
import { fileSize, isImage, kindOfMime } from "../../../../shared/files.ts";
import type { AttachmentRef } from "../../../../shared/protocol.ts";
import { safeHttpUrl } from "../../lib/format.ts";

export function Attachments({ files }: { files: readonly AttachmentRef[] }) {
  return (
    <ul class="attachments" data-testid="attachments">
      {files.map((a) => {
        // Same-origin API path, or nothing.
        const url = safeHttpUrl(a.url, location.href);
        const kind = kindOfMime(a.type);
        const label = `${a.name} (${fileSize(a.size)})`;
        if (!url) return <li key={a.id}>{label}</li>;
        return (
          <li key={a.id} data-testid="attachment" data-kind={kind ?? "file"}>
            {kind && isImage(kind) ? (
              <a href={url} target="_blank" rel="noopener noreferrer" class="attachment-image" title={label}>
                <img src={url} alt={a.name} loading="lazy" data-testid="attachment-thumb" />
              </a>
            ) : (
              <a href={url} download={a.name} class="attachment-chip" data-testid="attachment-file">
                {label}
              </a>
            )}
          </li>
        );
      })}
    </ul>
  );
}
