// The frames the synchronous REST mode reads from the conversation's SSE stream (routes.ts
// collectExchange), parsed rather than trusted: the ack, the ready frame and stored events (with the
// shared event schema). Frames it does not read (deltas, typing, errors) are only checked for their `t`.
import * as z from "zod/mini";
import { conversationStates, eventSchema, type ServerFrame } from "../../../shared/protocol.ts";

export const exchangeFrame = z.union([
  z.object({ t: z.literal("ack"), clientId: z.string(), seq: z.number(), duplicate: z.boolean() }),
  z.object({
    t: z.literal("ready"),
    lastSeq: z.number(),
    state: z.enum(conversationStates),
    streaming: z.optional(z.string()),
  }),
  z.object({ t: z.literal("event"), event: eventSchema }),
  z.looseObject({ t: z.enum(["delta", "typing", "error"]) }),
]);

// Every frame read here is a ServerFrame (the skipped kinds only as far as `t` goes).
type Read = Exclude<z.infer<typeof exchangeFrame>, { t: "delta" | "typing" | "error" }>;
const _isServerFrame = (f: Read): ServerFrame => f;
void _isServerFrame;
