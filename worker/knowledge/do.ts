// One KnowledgeDO per workspace runs its publish jobs, one at a time, so version numbers never race
// and two publishes never train at once. The queue itself lives in D1 (kb_jobs); this object only
// holds the workspace name and an alarm, which survives eviction: a job interrupted by a restart is
// picked up again by the next alarm.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";
import { nextJob, runJob } from "./publish.ts";
import { log } from "../ops/log.ts";
import { metric } from "../ops/metrics.ts";

export class KnowledgeDO extends DurableObject<Env> {
  /** A job was queued: run it soon. Returns at once; callers poll the job row. */
  async kick(workspaceId: string): Promise<void> {
    await this.ctx.storage.put("workspace", workspaceId);
    // Always (re)arm: an alarm set while one runs fires after it, so a job queued just as the
    // running drain found the queue empty is never stranded.
    await this.ctx.storage.setAlarm(Date.now());
  }

  override async alarm(): Promise<void> {
    const ws: unknown = await this.ctx.storage.get("workspace");
    if (typeof ws !== "string" || !ws) return;
    for (let id = await nextJob(this.env.DB, ws); id; id = await nextJob(this.env.DB, ws)) {
      const started = Date.now();
      const job = await runJob(this.env, ws, id);
      // For the operator: how long publishes take, and which fail (worker/ops/).
      const ms = Date.now() - started;
      metric(this.env, (p) => this.ctx.waitUntil(p), {
        name: "publish",
        label: job.kind,
        label2: job.status,
        workspaceId: ws,
        value: ms,
      });
      log(this.env, job.status === "failed" ? "error" : "info", "publish", {
        workspace: ws,
        job: id,
        kind: job.kind,
        status: job.status,
        version: job.version ?? null,
        ms,
      });
    }
  }
}
