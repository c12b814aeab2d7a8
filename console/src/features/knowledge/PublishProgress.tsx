// The running publish: stage, a progress bar, then the outcome. Reads the shared activeJob signal.
import { activeJob } from "./api.ts";

const STAGES: Record<string, string> = {
  queued: "Waiting for the previous publish",
  prepare: "Preparing articles",
  features: "Reading articles",
  train: "Training the answer model",
  store: "Saving the new index",
  embed: "Updating semantic search",
  commit: "Switching customers to the new version",
  done: "Live",
};

export function PublishProgress() {
  const j = activeJob.value;
  if (!j) return null;
  const pct = Math.round(j.progress * 100);
  return (
    <div
      class={`publish-progress publish-${j.status}`}
      data-testid="publish-progress"
      data-status={j.status}
      role="status"
      aria-live="polite"
    >
      {j.status === "done" ? (
        <span data-testid="publish-done">
          {j.result?.unchanged
            ? `Nothing changed: version ${j.version} stays live.`
            : `Published: version ${j.version} is live (${j.result?.articles ?? 0} articles, ${((j.result?.ms ?? 0) / 1000).toFixed(1)} s).`}
        </span>
      ) : j.status === "failed" ? (
        <span data-testid="publish-error">Publish failed: {j.error}. Customers still get the previous version.</span>
      ) : (
        <>
          <span>
            {STAGES[j.stage] ?? j.stage}… {pct}%
          </span>
          <progress max={100} value={pct} aria-label="Publish progress" />
        </>
      )}
    </div>
  );
}
