// What an emailed link opens, loaded with the people chunk (the entry chunk has no room to spare):
// this wrapper is all the entry holds. It takes the token off the address bar at once, before the chunk
// arrives, so it stays neither in the history nor in a bookmark.
import { useLayoutEffect, useState } from "preact/hooks";
import { peopleChunk, useChunk } from "../../shell/lazy.tsx";

const usePeopleChunk = () => useChunk(peopleChunk, peopleChunk.load);

function Pending({ failed }: { failed: boolean }) {
  return (
    <main id="main" class="login-page" aria-busy={!failed}>
      <p role={failed ? "alert" : undefined}>
        {failed ? "This page could not be loaded. Reload to try again." : "Loading…"}
      </p>
    </main>
  );
}

export function LazyLink({ kind, token }: { kind: "invite" | "reset"; token: string }) {
  const [held] = useState(token);
  useLayoutEffect(() => {
    history.replaceState(null, "", `${location.pathname}${location.search}#/${kind}`);
  }, []);
  const { chunk, failed } = usePeopleChunk();
  return chunk ? <chunk.LinkPage kind={kind} token={held} /> : <Pending failed={failed} />;
}

export function LazyForgot() {
  const { chunk, failed } = usePeopleChunk();
  return chunk ? <chunk.ForgotPage /> : <Pending failed={failed} />;
}
