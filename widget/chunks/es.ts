// widget-es.js: the Spanish words, handed to the app that asked for them (widget/app/lazy.ts).
import type { ChunkScript } from "../contract.ts";
import { es } from "../app/i18n-es.ts";
import type { Dict } from "../app/i18n.ts";

(document.currentScript as ChunkScript<Dict> | null)?.edgedesk?.(es);
