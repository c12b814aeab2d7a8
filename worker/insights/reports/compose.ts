// The weekly report's words: what moved since last week, the mail's text and the Slack message. Pure
// (compose.test.ts): the figures come in, sentences go out.
import type { WeekFigure, WeeklyReport } from "../../../shared/health.ts";
import type { SlackMessage } from "../notify/slack.ts";

type Kind = "rate" | "ms" | "count" | "score" | "rating";

const fmt = (v: number | null, k: Kind): string => {
  if (v === null) return "—";
  if (k === "rate") return `${Math.round(v * 100)}%`;
  if (k === "ms") return v < 60_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v / 60_000)} min`;
  if (k === "rating") return v.toFixed(2);
  return String(Math.round(v));
};

/** How far a figure must move to be news: 5 points of a rate, 10% of a count or time, 0.2 of a rating. */
function moved(f: WeekFigure, k: Kind): boolean {
  if (f.now === null || f.before === null) return false;
  const d = Math.abs(f.now - f.before);
  if (k === "rate") return d >= 0.05;
  if (k === "rating") return d >= 0.2;
  if (k === "score") return d >= 5;
  return f.before === 0 ? f.now > 0 : d / f.before >= 0.1;
}

const labels: Record<keyof WeeklyReport["figures"], [string, Kind, "up" | "down"]> = {
  conversations: ["Conversations", "count", "up"],
  autoResolution: ["Auto-resolution", "rate", "up"],
  firstResponseP50: ["Median first response", "ms", "down"],
  csat: ["Customer rating", "rating", "up"],
  quality: ["Quality score", "score", "up"],
  slaAdherence: ["Answered within target", "rate", "up"],
  escalationAccuracy: ["Escalations right", "rate", "up"],
};

/** One sentence per figure that moved enough to be news, better or worse. */
export function changesOf(figures: WeeklyReport["figures"]): string[] {
  const out: string[] = [];
  for (const key of Object.keys(labels) as (keyof WeeklyReport["figures"])[]) {
    const f = figures[key];
    const [label, kind, good] = labels[key];
    if (!moved(f, kind) || f.now === null || f.before === null) continue;
    const rose = f.now > f.before;
    const better = key === "conversations" ? null : rose === (good === "up");
    out.push(
      `${label} ${rose ? "rose" : "fell"} from ${fmt(f.before, kind)} to ${fmt(f.now, kind)}${better === null ? "" : better ? " (better)" : " (worse)"}.`,
    );
  }
  return out;
}

const line = (key: keyof WeeklyReport["figures"], f: WeekFigure) => {
  const [label, kind] = labels[key];
  return `${label}: ${fmt(f.now, kind)} (last week ${fmt(f.before, kind)})`;
};

const hour = (h: number) => `${String(h).padStart(2, "0")}:00–${String((h + 1) % 24).padStart(2, "0")}:00`;

/** The mail: plain text, figures first, then what moved, escalations, gaps and the busiest hours. */
export function reportText(
  r: WeeklyReport,
  workspaceName: string,
  consoleUrl: string,
): { subject: string; text: string } {
  const lines = [
    `The week of ${r.week} at ${workspaceName} (${r.timeZone}).`,
    "",
    ...(Object.keys(labels) as (keyof WeeklyReport["figures"])[]).map((k) => `- ${line(k, r.figures[k])}`),
    "",
    r.changes.length ? "What changed:" : "Nothing moved much since last week.",
    ...r.changes.map((c) => `- ${c}`),
    "",
    "Escalations by reason (last week):",
    ...(r.escalations.length ? r.escalations.map((e) => `- ${e.reason}: ${e.now} (${e.before})`) : ["- none"]),
    "",
    "Questions the help centre does not answer yet:",
    ...(r.gaps.length ? r.gaps.map((g) => `- ${g.title}: ${g.questions} questions, e.g. "${g.example}"`) : ["- none"]),
    "",
    `Busiest hours: ${r.busiestHours.length ? r.busiestHours.map((b) => `${hour(b.hour)} (${b.messages})`).join(", ") : "no messages"}.`,
    "",
    `The full report: ${consoleUrl}#/reports`,
  ];
  return { subject: `Your week at ${workspaceName}: ${r.week}`, text: `${lines.join("\n")}\n` };
}

/** Slack's text is mrkdwn: the workspace's own strings are escaped so they cannot ping or link. */
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function reportSlack(r: WeeklyReport, workspaceName: string, consoleUrl: string): SlackMessage {
  const text = `Weekly report for ${esc(workspaceName)}, week of ${r.week}`;
  const figures = (Object.keys(labels) as (keyof WeeklyReport["figures"])[]).map((k) => `• ${line(k, r.figures[k])}`);
  return {
    text,
    blocks: [
      { type: "header", text: { type: "plain_text", text: `Weekly report for ${workspaceName}, week of ${r.week}` } },
      { type: "section", text: { type: "mrkdwn", text: figures.join("\n") } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: r.changes.length ? r.changes.map((c) => `• ${c}`).join("\n") : "Nothing moved much.",
        },
      },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `*Top gaps:* ${r.gaps.length ? r.gaps.map((g) => `${esc(g.title)} (${g.questions})`).join(", ") : "none"}\n<${consoleUrl}#/reports|Open the report>`,
        },
      },
    ],
  };
}
