// widget-form.js: the small form for a value an action asks for, fetched by the app when the bot first
// asks one (widget/app/lazy.ts). It hands its maker to the <script> element the app made.
import type { AskForm, ChunkScript, SendChoice } from "../contract.ts";
import { makeForm } from "./form.ts";

(document.currentScript as ChunkScript<(send: SendChoice) => AskForm> | null)?.edgedesk?.(makeForm);
