// An agent's alert settings (docs/alerts.md): kept with their account on the server, so they follow
// the person to every browser and workspace. `GET`/`PUT /api/me/alerts`.
import * as z from "zod/mini";

export const alertKinds = ["handoff", "assigned", "reply", "reminder", "mention"] as const;
export type AlertKind = (typeof alertKinds)[number];

const on = z._default(z.boolean(), true);

/**
 * Parsing fills what is missing: settings stored before a kind existed get it switched on, and nothing
 * at all is the defaults (desktop and sound off until the agent turns them on; every kind on).
 */
export const alertSettingsSchema = z.object({
  desktop: z._default(z.boolean(), false),
  sound: z._default(z.boolean(), false),
  kinds: z._default(z.object({ handoff: on, assigned: on, reply: on, reminder: on, mention: on }), {
    handoff: true,
    assigned: true,
    reply: true,
    reminder: true,
    mention: true,
  }),
});
export type AlertSettings = z.infer<typeof alertSettingsSchema>;
