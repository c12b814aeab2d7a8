// The widget-look page is its own chunk (like analytics and people, shell/lazy.tsx): it carries the
// widget's words and checks for its preview, which nobody else in the console needs.
import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../../../shared/api.ts";
import { PageScaffold } from "../../shell/PageScaffold.tsx";

type Chunk = typeof import("./AppearancePage.tsx");
let loaded: Chunk | null = null;

export function LazyAppearance({ me }: { me: Me }) {
  const [chunk, setChunk] = useState(loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (chunk) return;
    import("./AppearancePage.tsx").then(
      (m) => setChunk(() => (loaded = m)),
      () => setFailed(true),
    );
  }, [chunk]);
  if (chunk) return <chunk.AppearancePage me={me} />;
  return (
    <PageScaffold
      state={
        failed ? { failed: "This page could not be loaded. Reload the page to try again." } : { loading: "Loading…" }
      }
    />
  );
}
