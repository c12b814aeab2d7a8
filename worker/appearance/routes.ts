// The widget's look and words, and the help centre's branding, per workspace.
// `/api/appearance`: every agent of the workspace reads it (the console shows it); owners write it.
// `/v1/config`: the widget's config for a site key (the site guard has checked the key and the page's
// origin), one request per page load that the browser caches for a minute.
import { Hono } from "hono";
import { appearanceSchema, type WidgetConfigAnswer } from "../../shared/appearance.ts";
import { inkOn } from "../../shared/color.ts";
import { audit } from "../audit/log.ts";
import { forgetPortal } from "../channels/portal/content.ts";
import type { AppEnv } from "../env.ts";
import { jsonBody, parseOr400 } from "../http/errors.ts";
import { requireAgent } from "../middleware/auth.ts";
import { loadAppearance, saveAppearance } from "./store.ts";

export const appearanceApi = new Hono<AppEnv>();
appearanceApi.use(requireAgent());

appearanceApi.get("/", async (c) => c.json(await loadAppearance(c.env, c.get("agent").workspaceId)));

/** Owners only: the look is what every visitor of every site of the workspace sees. */
appearanceApi.put("/", requireAgent({ role: "owner" }), async (c) => {
  const appearance = parseOr400(appearanceSchema, await jsonBody(c), "body");
  const agent = c.get("agent");
  const before = await loadAppearance(c.env, agent.workspaceId);
  const updatedAt = await saveAppearance(c.env, agent.workspaceId, appearance, agent.id);
  // The help centre's pages are cached by their config (name, logo, colour): a new look is a new key.
  forgetPortal(agent.workspaceId);
  await audit(c, {
    action: "appearance.updated",
    target: { type: "workspace", id: agent.workspaceId },
    before: before.appearance,
    after: appearance,
  });
  return c.json({ appearance, updatedAt });
});

/** Seconds a browser keeps the widget's config: an owner's change reaches visitors within this. */
export const CONFIG_MAX_AGE = 60;

export const widgetConfig = new Hono<AppEnv>();

widgetConfig.get("/", async (c) => {
  const { appearance } = await loadAppearance(c.env, c.get("site").workspaceId);
  const answer: WidgetConfigAnswer = { appearance, ...(appearance.color ? { ink: inkOn(appearance.color) } : {}) };
  return c.json(answer, 200, { "cache-control": `public, max-age=${CONFIG_MAX_AGE}` });
});
