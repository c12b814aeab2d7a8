// The search box's chunk, loaded with the inbox page (the first load stays in its budget). Until it is
// there, an empty box of the same height holds its place.
import { chunk, useChunk } from "../../shell/lazy.tsx";

const searchChunk = chunk(() => import("./SearchPanel.tsx"));

export function LazySearch() {
  const { chunk: m } = useChunk(searchChunk, searchChunk.load);
  return m ? <m.SearchPanel /> : <div class="search-placeholder" aria-hidden="true" />;
}
