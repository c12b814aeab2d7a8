// Reads the server frames of an SSE response (`data: <ServerFrame JSON>` blocks) as they arrive, for
// scripts that talk to the public chat API like the widget's SSE fallback does.
import type { ServerFrame } from "../../shared/protocol.ts";

export async function* sseFrames(res: Response): AsyncGenerator<ServerFrame> {
  let buf = "";
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let i: number;
    while ((i = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (block.startsWith("data: ")) yield JSON.parse(block.slice(6)) as ServerFrame;
    }
  }
}
