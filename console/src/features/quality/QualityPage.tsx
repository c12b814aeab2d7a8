// Quality (docs/quality-review.md): every ended conversation's scorecards. Agents see their own; owners
// (the leads) see everyone's, review a sample with their own score and a comment, see how often they
// disagree with the automatic score, and set the rubric's weights (each save is a new version).
import { Fragment } from "preact";
import { useEffect, useState } from "preact/hooks";
import type * as z from "zod/mini";
import type { Me } from "../../../../shared/api.ts";
import {
  criteria,
  overrideStatsSchema,
  type Rubric,
  type RubricWeights,
  rubricSchema,
  type Scorecard,
  scorecardListSchema,
} from "../../../../shared/quality.ts";
import { announce } from "../../lib/announce.ts";
import { api, errorMessage } from "../../lib/api.ts";
import { useFocusOnMount } from "../../lib/hooks.ts";
import "../integrations/integrations.css";
import "./quality.css";
import { PerformanceSection } from "./Performance.tsx";
import { partName, ScorecardDetail, scoreText } from "./Scorecard.tsx";

type Stats = z.infer<typeof overrideStatsSchema>;

export function QualityPage({ me }: { me: Me }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const lead = me.role === "owner";
  const [cards, setCards] = useState<Scorecard[] | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    api("/api/quality/scorecards?limit=50", scorecardListSchema).then(
      (r) => setCards(r.scorecards),
      (e: unknown) => setError(errorMessage(e)),
    );
  }, []);

  const key = (c: Scorecard) => `${c.conversationId}|${c.part}`;
  const mean = (l: Scorecard[]) => {
    const s = l.flatMap((c) => (c.score === null ? [] : [c.override?.score ?? c.score]));
    return s.length ? Math.round(s.reduce((a, b) => a + b, 0) / s.length) : null;
  };

  return (
    <main id="main" class="page integrations-page quality-page" data-testid="quality-page">
      <h1 ref={heading} tabIndex={-1}>
        Quality
      </h1>
      <p class="sub">
        {lead
          ? "Every ended conversation is scored for the bot's part and each agent's, by the rubric below. Review a sample and say where the score is wrong."
          : "Your part of every conversation you worked on, scored when it ended. Each score says why."}{" "}
        <a href="#/customers" data-testid="to-customers">
          Customer health
        </a>
      </p>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      <PerformanceSection lead={lead} />
      {lead && <ReviewSection />}
      <section class="card" aria-labelledby="cards-title">
        <h2 id="cards-title">{lead ? "Recent scorecards" : "Your scorecards"}</h2>
        {cards === null ? (
          <p class="empty">Loading…</p>
        ) : cards.length === 0 ? (
          <p class="empty" data-testid="no-scorecards">
            No scorecards yet: they are made when a conversation is resolved.
          </p>
        ) : (
          <>
            <p class="muted small" data-testid="mean-score">
              Mean over {cards.length} {cards.length === 1 ? "scorecard" : "scorecards"}: {scoreText(mean(cards))} / 100
              (a lead's override counts instead of the automatic score)
            </p>
            <table class="deliveries" data-testid="scorecards">
              <thead>
                <tr>
                  <th scope="col">Part</th>
                  <th scope="col">Score</th>
                  <th scope="col">Override</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {cards.map((c) => (
                  <Fragment key={key(c)}>
                    <tr data-testid="scorecard-row">
                      <td>{partName(c)}</td>
                      <td class="mono">{scoreText(c.score)}</td>
                      <td class="mono">{c.override ? c.override.score : "—"}</td>
                      <td>
                        <button
                          type="button"
                          class="btn btn-link"
                          aria-expanded={open === key(c)}
                          onClick={() => setOpen(open === key(c) ? null : key(c))}
                        >
                          {open === key(c) ? "Hide" : "Why"}
                        </button>
                      </td>
                    </tr>
                    {open === key(c) && (
                      <tr>
                        <td colSpan={4}>
                          <ScorecardDetail card={c} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      {lead ? <RubricSection /> : <RubricView />}
    </main>
  );
}

/** A sample of unreviewed cards; a lead's own score with a comment takes each out of the sample. */
function ReviewSection() {
  const [sample, setSample] = useState<Scorecard[] | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const load = () => {
    api("/api/quality/review?n=5", scorecardListSchema).then(
      (r) => setSample(r.scorecards),
      (e: unknown) => setError(errorMessage(e)),
    );
    api("/api/quality/overrides/stats", overrideStatsSchema).then(setStats, (e: unknown) => setError(errorMessage(e)));
  };
  useEffect(load, []);
  return (
    <section class="card" aria-labelledby="review-title" data-testid="review">
      <h2 id="review-title">Review</h2>
      {stats && (
        <p class="muted small" data-testid="override-stats">
          {stats.overrides === 0
            ? "No overrides yet."
            : `${stats.overrides} overrides; ${stats.disagreements} differ from the automatic score by more than 10 points (${Math.round((stats.rate ?? 0) * 100)}%), ${stats.meanDifference !== null && stats.meanDifference > 0 ? "+" : ""}${stats.meanDifference ?? 0} points on average.`}
        </p>
      )}
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      {sample === null ? (
        <p class="empty">Loading…</p>
      ) : sample.length === 0 ? (
        <p class="empty" data-testid="review-empty">
          Nothing to review: every recent scorecard has been reviewed.
        </p>
      ) : (
        sample.map((c) => <ReviewItem key={`${c.conversationId}|${c.part}`} card={c} done={load} />)
      )}
    </section>
  );
}

function ReviewItem({ card, done }: { card: Scorecard; done: () => void }) {
  const [score, setScore] = useState(String(card.score ?? ""));
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const id = `${card.conversationId}-${card.part}`.replace(/[^\w-]/g, "_");
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await api(
        `/api/quality/conversations/${encodeURIComponent(card.conversationId)}/parts/${encodeURIComponent(card.part)}/override`,
        scorecardListSchema,
        { method: "PUT", body: { score: Number(score), comment } },
      );
      announce(`Your score for ${partName(card)} is saved.`);
      done();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="review-item" onSubmit={(e) => void save(e)} data-testid="review-item">
      <ScorecardDetail card={card} />
      <div class="review-fields">
        <label for={`${id}-score`}>Your score</label>
        <input
          id={`${id}-score`}
          type="number"
          min={0}
          max={100}
          step={1}
          required
          value={score}
          onInput={(e) => setScore(e.currentTarget.value)}
        />
        <label for={`${id}-comment`}>Why</label>
        <input
          id={`${id}-comment`}
          type="text"
          required
          maxLength={1000}
          value={comment}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
        <button type="submit" class="btn" disabled={busy}>
          Save my score
        </button>
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

const labels: Record<keyof RubricWeights, string> = {
  resolution: "Resolution",
  speed: "Speed against the target",
  accuracy: "Accuracy signals",
  tone: "Tone",
  csat: "Customer rating",
};

function RubricView() {
  const [rubric, setRubric] = useState<Rubric | null>(null);
  useEffect(() => {
    api("/api/quality/rubric", rubricSchema).then(setRubric, () => undefined);
  }, []);
  if (!rubric) return null;
  return (
    <section class="card" aria-labelledby="rubric-title">
      <h2 id="rubric-title">How you are scored</h2>
      <p class="muted small">Rubric version {rubric.version}: each criterion's weight (0 to 10).</p>
      <ul>
        {criteria.map((k) => (
          <li key={k}>
            {labels[k]}: {rubric.weights[k]}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** New weights are a new version; existing scores keep the version they were made with until re-scored. */
function RubricSection() {
  const [rubric, setRubric] = useState<Rubric | null>(null);
  const [weights, setWeights] = useState<RubricWeights | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    api("/api/quality/rubric", rubricSchema).then(
      (r) => (setRubric(r), setWeights(r.weights)),
      (e: unknown) => setError(errorMessage(e)),
    );
  }, []);
  if (!rubric || !weights)
    return error ? (
      <p class="alert" role="alert">
        {error}
      </p>
    ) : null;
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await api("/api/quality/rubric", rubricSchema, { method: "PUT", body: { weights } });
      setRubric(r);
      setError(undefined);
      announce(`Rubric version ${r.version} saved. New scores use it.`);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <form class="card" aria-labelledby="rubric-title" onSubmit={(e) => void save(e)} data-testid="rubric">
      <h2 id="rubric-title">Rubric</h2>
      <p class="muted small" data-testid="rubric-version">
        Version {rubric.version}
        {rubric.version === 0 ? " (the built-in weights)" : ""}. Each weight is 0 to 10; 0 leaves the criterion out.
      </p>
      <div class="rubric-grid">
        {criteria.map((k) => (
          <label key={k}>
            {labels[k]}
            <input
              type="number"
              min={0}
              max={10}
              step={1}
              required
              value={weights[k]}
              onInput={(e) => setWeights({ ...weights, [k]: Number(e.currentTarget.value) })}
            />
          </label>
        ))}
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn">
        Save as version {rubric.version + 1}
      </button>
    </form>
  );
}
