// Client for /api/surge (worker/insights/surge/routes.ts).
import type {
  ApprovalSummary,
  AuditEntry,
  FollowUpTask,
  SurgeAlert,
  SurgeBrief,
  SurgeSnapshot,
  SurgeTuning,
  Sweep,
} from "../../../../shared/api.ts";
import { api } from "../../lib/api.ts";

const base = "/api/surge";
const enc = encodeURIComponent;

export const surgeApi = {
  alert: () => api<SurgeAlert>(`${base}/alert`),
  list: () => api<{ items: Sweep[] }>(`${base}/sweeps`).then((r) => r.items),
  get: (id: string) => api<Sweep>(`${base}/sweeps/${enc(id)}`),
  create: (brief: SurgeBrief) => api<Sweep>(`${base}/sweeps`, { body: brief }),
  lock: (id: string) => api<Sweep>(`${base}/sweeps/${enc(id)}/lock`, { method: "POST" }),
  plan: (id: string, tuning: SurgeTuning) => api<Sweep>(`${base}/sweeps/${enc(id)}/plan`, { body: tuning }),
  replay: (id: string) => api<{ same: boolean; stored: string; replayed: string }>(`${base}/sweeps/${enc(id)}/replay`),
  approval: (token: string) => api<ApprovalSummary>(`${base}/approvals/${enc(token)}`),
  decide: (token: string, decision: "approve" | "refuse", comment: string) =>
    api<Sweep>(`${base}/approvals/${enc(token)}`, { body: { decision, comment } }),
  execute: (id: string) =>
    api<{ ran: number; remaining: number; sweep: Sweep }>(`${base}/sweeps/${enc(id)}/execute`, { method: "POST" }),
  undo: (id: string, conversationId: string) =>
    api<unknown>(`${base}/sweeps/${enc(id)}/steps/${enc(conversationId)}/undo`, { method: "POST" }),
  snapshot: (id: string) => api<SurgeSnapshot>(`${base}/sweeps/${enc(id)}/snapshot`),
  feedback: (id: string, text: string) => api<FollowUpTask>(`${base}/sweeps/${enc(id)}/feedback`, { body: { text } }),
  setTask: (id: string, taskId: string, status: FollowUpTask["status"]) =>
    api<FollowUpTask>(`${base}/sweeps/${enc(id)}/tasks/${enc(taskId)}`, { method: "PATCH", body: { status } }),
  tasks: (id: string) => api<{ items: FollowUpTask[] }>(`${base}/sweeps/${enc(id)}/tasks`).then((r) => r.items),
  audit: (id: string) => api<{ items: AuditEntry[] }>(`${base}/sweeps/${enc(id)}/audit`).then((r) => r.items),
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
