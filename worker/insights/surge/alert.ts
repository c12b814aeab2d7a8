// The surge alert on the console's home: arrivals into the queue over a window and the number of
// queued conversations near or past their SLA due time, against configured levels, with the most
// urgent countdowns and each outbound integration's last delivery result. Pure over its inputs.
import type { Delivery, InboxItem } from "../../../shared/api.ts";
import type { SurgeAlert } from "../../../shared/surge.ts";
import type { Matrix } from "../../inbox/routing/matrix.ts";
import { runsSla, slaStateAt } from "../../inbox/routing/sla.ts";
import type { SurgeConfig } from "./config.ts";

export function surgeAlert(
  items: readonly InboxItem[],
  deliveries: readonly Delivery[],
  m: Matrix,
  cfg: SurgeConfig["alert"],
  now: number,
): SurgeAlert {
  const since = now - cfg.windowMinutes * 60_000;
  const waiting = items.filter((i) => i.state === "queued" || i.state === "agent");
  const arrivals = waiting.filter((i) => i.createdAt >= since).length;
  const running = items.filter(runsSla);
  const nearSla = running.filter((i) => slaStateAt(m, i, now) !== "ok").length;
  const reasons = [
    ...(arrivals >= cfg.arrivalsPerWindow
      ? [`${arrivals} new conversations in ${cfg.windowMinutes} min (level ${cfg.arrivalsPerWindow})`]
      : []),
    ...(nearSla >= cfg.nearSla ? [`${nearSla} near or past their SLA (level ${cfg.nearSla})`] : []),
  ];
  const urgent = [...running]
    .sort((a, b) => a.slaDueAt - b.slaDueAt || (a.id < b.id ? -1 : 1))
    .slice(0, 5)
    .map((i) => ({ id: i.id, preview: i.preview, slaDueAt: i.slaDueAt, ...(i.team ? { team: i.team } : {}) }));
  // Newest first from the notifier: the first row per target is its last result.
  const seen = new Set<string>();
  const integrations: SurgeAlert["integrations"] = [];
  for (const d of deliveries) {
    if (seen.has(d.target)) continue;
    seen.add(d.target);
    const last = d.log[d.log.length - 1];
    const detail = last ? (last.status ? `HTTP ${last.status}` : (last.error ?? "")) : "";
    integrations.push({
      target: d.target,
      kind: d.kind,
      status: d.status,
      at: d.updatedAt,
      ...(detail ? { detail } : {}),
    });
  }
  return {
    surge: reasons.length > 0,
    reasons,
    arrivals,
    windowMinutes: cfg.windowMinutes,
    nearSla,
    levels: { arrivalsPerWindow: cfg.arrivalsPerWindow, nearSla: cfg.nearSla },
    urgent,
    integrations,
  };
}
