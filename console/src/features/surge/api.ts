// Client for /api/surge (worker/insights/surge/routes.ts).
import * as z from "zod/mini";
import {
  approvalSummarySchema,
  auditEntrySchema,
  followUpTaskSchema,
  surgeAlertSchema,
  surgeSnapshotSchema,
  sweepSchema,
  type FollowUpTask,
  type SurgeBrief,
  type SurgeTuning,
  type Sweep,
} from "../../../../shared/api.ts";
import { api, apiVoid } from "../../lib/api.ts";

const items = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item) });
const sweepList = items(sweepSchema);
const taskList = items(followUpTaskSchema);
const auditList = items(auditEntrySchema);
const replaySchema = z.object({ same: z.boolean(), stored: z.string(), replayed: z.string() });
const executedSchema = z.object({ ran: z.number(), remaining: z.number(), sweep: sweepSchema });

const base = "/api/surge";
const enc = encodeURIComponent;

export const surgeApi = {
  alert: () => api(`${base}/alert`, surgeAlertSchema),
  list: () => api(`${base}/sweeps`, sweepList).then((r) => r.items),
  get: (id: string) => api(`${base}/sweeps/${enc(id)}`, sweepSchema),
  create: (brief: SurgeBrief) => api(`${base}/sweeps`, sweepSchema, { body: brief }),
  lock: (id: string) => api(`${base}/sweeps/${enc(id)}/lock`, sweepSchema, { method: "POST" }),
  plan: (id: string, tuning: SurgeTuning) => api(`${base}/sweeps/${enc(id)}/plan`, sweepSchema, { body: tuning }),
  replay: (id: string) => api(`${base}/sweeps/${enc(id)}/replay`, replaySchema),
  approval: (token: string) => api(`${base}/approvals/${enc(token)}`, approvalSummarySchema),
  decide: (token: string, decision: "approve" | "refuse", comment: string) =>
    api(`${base}/approvals/${enc(token)}`, sweepSchema, { body: { decision, comment } }),
  execute: (id: string) => api(`${base}/sweeps/${enc(id)}/execute`, executedSchema, { method: "POST" }),
  undo: (id: string, conversationId: string) =>
    apiVoid(`${base}/sweeps/${enc(id)}/steps/${enc(conversationId)}/undo`, { method: "POST" }),
  snapshot: (id: string) => api(`${base}/sweeps/${enc(id)}/snapshot`, surgeSnapshotSchema),
  feedback: (id: string, text: string) =>
    api(`${base}/sweeps/${enc(id)}/feedback`, followUpTaskSchema, { body: { text } }),
  setTask: (id: string, taskId: string, status: FollowUpTask["status"]) =>
    api(`${base}/sweeps/${enc(id)}/tasks/${enc(taskId)}`, followUpTaskSchema, { method: "PATCH", body: { status } }),
  tasks: (id: string) => api(`${base}/sweeps/${enc(id)}/tasks`, taskList).then((r) => r.items),
  audit: (id: string) => api(`${base}/sweeps/${enc(id)}/audit`, auditList).then((r) => r.items),
  reportUrl: (id: string) => `${base}/sweeps/${enc(id)}/report`,
};

/** Runs the approved plan batch by batch; `onBatch` sees the sweep after each one (the live checklist). */
export async function runSweep(id: string, onBatch: (s: Sweep) => void): Promise<Sweep> {
  for (;;) {
    const r = await surgeApi.execute(id);
    onBatch(r.sweep);
    if (r.remaining === 0 || r.ran === 0) return r.sweep;
  }
}
