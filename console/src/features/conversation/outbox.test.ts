import { describe, expect, it } from "vitest";
import type { MessageEvent } from "../../../../shared/protocol.ts";
import { ackPending, addPending, failPending, settlePending, unacked } from "./outbox.ts";

describe("outbox", () => {
  const msg = (seq: number, clientId?: string): MessageEvent => ({
    type: "message",
    seq,
    at: 0,
    id: `m${seq}`,
    author: "agent",
    text: "hi",
    clientId,
  });

  it("follows a reply from sending to settled", () => {
    let list = addPending([], "client-0001", "hello", 1);
    list = addPending(list, "client-0001", "hello", 1);
    expect(list).toHaveLength(1);
    expect(unacked(list)).toHaveLength(1);
    list = ackPending(list, "client-0001", 7);
    expect(list[0]).toMatchObject({ status: "sent", seq: 7 });
    expect(unacked(list)).toHaveLength(0);
    expect(settlePending(list, [msg(6)])).toBe(list);
    expect(settlePending(list, [msg(7)])).toEqual([]);
  });

  it("settles by clientId even before the ack", () => {
    const list = addPending([], "client-0002", "x", 1);
    expect(settlePending(list, [msg(3, "client-0002")])).toEqual([]);
  });

  it("marks failures but never un-acks", () => {
    let list = addPending([], "c1-aaaaaaa", "x", 1);
    list = failPending(list, "c1-aaaaaaa", "offline");
    expect(list[0]?.status).toBe("failed");
    expect(unacked(list)).toHaveLength(1);
    list = ackPending(list, "c1-aaaaaaa", 2);
    expect(failPending(list, "c1-aaaaaaa", "late")[0]?.status).toBe("sent");
  });
});
