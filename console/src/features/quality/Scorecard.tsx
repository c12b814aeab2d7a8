// One scorecard: who it is for, the score (and a lead's override beside it), and each criterion with its
// weight and the reason in words, so a score is never a bare number.
import { criteria, type Scorecard } from "../../../../shared/quality.ts";
import { href } from "../../lib/route.ts";
import { fullDate } from "../../lib/time.ts";

const names: Record<(typeof criteria)[number], string> = {
  resolution: "Resolution",
  speed: "Speed",
  accuracy: "Accuracy",
  tone: "Tone",
  csat: "Customer rating",
};

export const partName = (c: Scorecard): string => (c.kind === "bot" ? "The bot" : (c.agent?.name ?? "An agent"));
export const scoreText = (s: number | null): string => (s === null ? "—" : String(s));

export function ScorecardDetail({ card }: { card: Scorecard }) {
  return (
    <div class="scorecard" data-testid="scorecard" data-part={card.part}>
      <p class="scorecard-head">
        <strong>{partName(card)}</strong> in{" "}
        <a href={href({ name: "conversation", id: card.conversationId })}>this conversation</a>{" "}
        <span class="muted small">
          scored {fullDate(card.scoredAt)} · rubric v{card.rubricVersion}
        </span>
      </p>
      <p class="scorecard-score">
        <span class="score-big" data-testid="auto-score">
          {scoreText(card.score)}
        </span>
        <span class="muted small"> / 100 automatic</span>
        {card.override && (
          <span data-testid="override-score">
            {" "}
            · <strong>{card.override.score}</strong> by {card.override.by.name}: “{card.override.comment}”
          </span>
        )}
      </p>
      <ul class="criteria">
        {criteria.map((k) => {
          const c = card.criteria[k];
          if (!c) return null;
          return (
            <li key={k} class={c.value === null || c.weight === 0 ? "muted" : undefined}>
              <span class="criterion">{names[k]}</span>{" "}
              <span class="mono small">
                {c.value === null ? "n/a" : Math.round(c.value * 100)} × {c.weight}
              </span>{" "}
              <span class="small">{c.reason}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
