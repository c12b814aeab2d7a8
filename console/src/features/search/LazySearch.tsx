// The search box's chunk, loaded with the inbox page (the entry stays in its budget). Until it is there,
// an empty box of the same height holds its place.
import { useEffect, useState } from "preact/hooks";

type Chunk = typeof import("./SearchPanel.tsx");
let loaded: Chunk | null = null;

export function LazySearch() {
  const [chunk, setChunk] = useState(loaded);
  useEffect(() => {
    if (!chunk) void import("./SearchPanel.tsx").then((m) => setChunk((loaded = m)));
  }, [chunk]);
  return chunk ? <chunk.SearchPanel /> : <div class="search-placeholder" aria-hidden="true" />;
}
