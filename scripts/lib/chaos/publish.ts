// A KB publish under load: customers keep asking (below the knee) while a large generated help centre
// (scripts/gen-kb.ts, deterministic) is published as a job and swapped in. No question may fail, and
// none may wait for its first word past the budget, before, during or after the new version builds;
// every finished customer's transcript must equal its log.
import type { Article } from "../../../shared/article.ts";
import { kbJobSchema } from "../../../shared/api.ts";
import { generateKb } from "../../gen-kb.ts";
import { DEMO_WORKSPACE } from "../demo-seed.ts";
import type { Target } from "../load/customer.ts";
import { summarize } from "../load/stats.ts";
import { Traffic } from "../load/traffic.ts";
import { type Admin, quiesce, type ScenarioResult, verdictOf } from "./common.ts";

export type PublishOptions = {
  articles: number;
  /** Questions per second while it builds. */
  rate: number;
  /** First-token budget of one question (ms). */
  budgetMs: number;
  questions: string[];
  log: (s: string) => void;
};

export async function publishUnderLoad(target: Target, admin: Admin, o: PublishOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const articles: Article[] = generateKb(o.articles, 7);
  const traffic = new Traffic(target, {
    questions: o.questions,
    thinkMs: [1000, 3000],
    personShare: 0,
    sseShare: 0.1,
    maxQuestions: 3,
    timeoutMs: 60_000,
    seed: 5,
    keepFinished: true,
  });
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const r = await fetch(`${admin.url}${path}${path.includes("?") ? "&" : "?"}workspace=${DEMO_WORKSPACE}`, {
      method,
      headers: { authorization: `Bearer ${admin.adminToken}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 200)}`);
    return JSON.parse(text);
  };
  // Arrivals keep their pace while the job runs (no waiting for answers between polls); a slow answer's
  // timings still land in the phase it was asked in.
  const phase = async (seconds: number, drainMs = 20_000) => traffic.step(o.rate, seconds, drainMs);
  const before = await phase(5);
  o.log(`  publish: ${articles.length} articles as a job, customers asking ${o.rate}/s`);
  const started = Date.now();
  let job = kbJobSchema.parse(await call("PUT", "/admin/v1/kb/articles?wait=0", { articles, replace: true }));
  const during: Awaited<ReturnType<typeof phase>>[] = [];
  let polls = 0;
  while (job.status !== "done" && job.status !== "failed") {
    during.push(await phase(2, 0));
    job = kbJobSchema.parse(await call("GET", `/admin/v1/kb/jobs/${job.id}`));
    if (++polls % 5 === 0) o.log(`  publish: ${job.stage} ${Math.round(job.progress * 100)} %`);
  }
  const buildSeconds = (Date.now() - started) / 1000;
  const after = await phase(5, 60_000);
  await traffic.close(10_000);
  const finished = traffic.finished;
  await quiesce(admin, finished, 30_000);
  const v = await verdictOf(admin, finished);

  const sum = (xs: typeof during) => ({
    asked: xs.reduce((a, s) => a + s.asked, 0),
    answered: xs.reduce((a, s) => a + s.answered, 0),
    failed: xs.reduce((a, s) => a + Object.values(s.errors).reduce((x, y) => x + y, 0), 0),
    firstToken: summarize(xs.flatMap((s) => s.firstToken)),
    complete: summarize(xs.flatMap((s) => s.complete)),
  });
  const phases = { before: sum([before]), during: sum(during), after: sum([after]) };
  const failed = phases.before.failed + phases.during.failed + phases.after.failed;
  const overBudget = [before, ...during, after].flatMap((s) => s.firstToken).filter((ms) => ms > o.budgetMs).length;
  const round = (p: (typeof phases)["before"]) => ({
    ...p,
    firstToken: {
      p50: Math.round(p.firstToken.p50),
      p95: Math.round(p.firstToken.p95),
      max: Math.round(p.firstToken.max),
    },
    complete: { p50: Math.round(p.complete.p50), p95: Math.round(p.complete.p95), max: Math.round(p.complete.max) },
  });
  return {
    lost: v.lost,
    duplicated: v.duplicated,
    out_of_order: v.out_of_order,
    passed:
      job.status === "done" &&
      failed === 0 &&
      overBudget === 0 &&
      v.lost === 0 &&
      v.duplicated === 0 &&
      v.out_of_order === 0,
    seconds: (Date.now() - t0) / 1000,
    facts: {
      articles: articles.length,
      job: job.status,
      buildSeconds: Math.round(buildSeconds * 10) / 10,
      jobMs: job.result?.ms,
      rate: o.rate,
      budgetMs: o.budgetMs,
      overBudget,
      failed,
      before: round(phases.before),
      during: round(phases.during),
      after: round(phases.after),
      transcriptsCompared: finished.length,
    },
    details: v.details,
  };
}
