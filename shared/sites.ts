// The Sites settings API (`/admin/v1/sites`, owners): what the console reads and sends. A site key is
// public (it sits in the embed tag); the identity secret is write-only: answers say only whether one
// is set, except the one answer that generated it (docs/sites.md).
import * as z from "zod/mini";

export const siteSummarySchema = z.object({
  key: z.string(),
  name: z.string(),
  allowedOrigins: z.array(z.string()),
  /** The help centre's widget site (docs/portal.md). */
  portal: z.boolean(),
  identitySecret: z.enum(["set", "none"]),
  createdAt: z.number(),
  /** The last request the site guard let through from a page, and that page's origin; null: never. */
  lastSeenAt: z.nullable(z.number()),
  lastSeenOrigin: z.nullable(z.string()),
  /** Origins whose pages were refused and that are still not allowed, newest first. */
  refused: z.array(z.object({ origin: z.string(), at: z.number() })),
});
export type SiteSummary = z.infer<typeof siteSummarySchema>;

export const siteListSchema = z.object({ sites: z.array(siteSummarySchema) });

/** `POST /admin/v1/sites/:key/identity-secret`: the new secret, in this answer only. */
export const generatedSecretSchema = z.object({ key: z.string(), identitySecret: z.string() });
export type GeneratedSecret = z.infer<typeof generatedSecretSchema>;
