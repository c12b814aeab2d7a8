// widget-upload.js: what only uploading needs, fetched by the app when a visitor first attaches a file
// (widget/app/lazy.ts). It hands its maker to the <script> element the app made.
import type { ChunkScript, Uploader, UploadHost } from "../contract.ts";
import { makeUploader } from "./uploader.ts";

(document.currentScript as ChunkScript<(host: UploadHost) => Uploader> | null)?.edgedesk?.(makeUploader);
