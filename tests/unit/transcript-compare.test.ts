// The chaos scenarios' verdict (scripts/lib/load/compare.ts): a client's final transcript against the
// conversation's stored log, counted as lost, duplicated and out of order.
import { describe, expect, it } from "vitest";
import {
  answerBalance,
  type ClientTranscript,
  compareTranscript,
  customerMessages,
  type LoggedEvent,
  longestIncreasing,
} from "../../scripts/lib/load/compare.ts";

const msg = (seq: number, author: string, id: string, extra: Partial<LoggedEvent> = {}): LoggedEvent => ({
  seq,
  type: "message",
  id,
  author,
  text: `text of ${id}`,
  ...(author === "customer" ? { clientId: `c-${id}` } : {}),
  ...(author === "bot" ? { action: "answer" } : {}),
  ...extra,
});

/** Two questions, two answers, a private note between them. */
const log: LoggedEvent[] = [
  msg(1, "customer", "q1"),
  msg(2, "bot", "a1"),
  { seq: 3, type: "note", id: "n1", audience: "agents", text: "private" },
  msg(4, "customer", "q2"),
  msg(5, "bot", "a2"),
];

const shows = (ids: string[], sent = ["c-q1", "c-q2"]): ClientTranscript => ({
  messages: ids.map((id) => {
    const e = log.find((x) => x.id === id);
    return { id, seq: e?.seq ?? 99, text: e?.text ?? `text of ${id}` };
  }),
  sent,
});

describe("a transcript against the log", () => {
  it("finds nothing wrong with a faithful transcript", () => {
    const v = compareTranscript(shows(["q1", "a1", "q2", "a2"]), log);
    expect([v.lost, v.duplicated, v.out_of_order, v.phantom, v.mismatched]).toEqual([0, 0, 0, 0, 0]);
    expect(v.details).toEqual([]);
  });
  it("counts a missing message as lost", () => {
    const v = compareTranscript(shows(["q1", "q2", "a2"]), log);
    expect(v.lost).toBe(1);
    expect(v.details[0]).toMatch(/not shown: a1/);
  });
  it("counts a message shown twice as duplicated", () => {
    const v = compareTranscript(shows(["q1", "a1", "a1", "q2", "a2"]), log);
    expect(v.duplicated).toBe(1);
    expect(v.lost).toBe(0);
  });
  it("counts the fewest messages that would have to move as out of order", () => {
    expect(compareTranscript(shows(["a1", "q1", "q2", "a2"]), log).out_of_order).toBe(1);
    expect(compareTranscript(shows(["a2", "q2", "a1", "q1"]), log).out_of_order).toBe(3);
  });
  it("counts a message the client sent that was never stored as lost", () => {
    const v = compareTranscript(shows(["q1", "a1", "q2", "a2"], ["c-q1", "c-q2", "c-never"]), log);
    expect(v.lost).toBe(1);
    expect(v.details).toContain("sent, never stored: c-never");
  });
  it("tells a private note shown to a customer and an invented message apart from losses", () => {
    const leaked = compareTranscript(shows(["q1", "a1", "n1", "q2", "a2"]), log);
    expect(leaked.phantom).toBe(1);
    expect(leaked.details[0]).toMatch(/not for customers: n1/);
    const invented = compareTranscript(shows(["q1", "a1", "zz", "q2", "a2"]), log);
    expect(invented.details[0]).toMatch(/never stored: zz/);
  });
  it("notices a half-streamed draft kept as the message", () => {
    const t = shows(["q1", "a1", "q2", "a2"]);
    const cut: ClientTranscript = {
      ...t,
      messages: t.messages.map((m) => (m.id === "a2" ? { ...m, text: "text of" } : m)),
    };
    expect(compareTranscript(cut, log).mismatched).toBe(1);
  });
  it("leaves retracted messages out of what a customer should see", () => {
    const withRetract: LoggedEvent[] = [...log, msg(6, "agent", "x1"), { seq: 7, type: "retract", messageId: "x1" }];
    expect(customerMessages(withRetract).map((e) => e.id)).toEqual(["q1", "a1", "q2", "a2"]);
    expect(compareTranscript(shows(["q1", "a1", "q2", "a2"]), withRetract).lost).toBe(0);
  });
});

describe("answers per question, from the log", () => {
  it("balances one answer per question", () => {
    expect(answerBalance(log)).toEqual({ unanswered: 0, extra: 0 });
  });
  it("finds a question answered twice (a restart that answered it again)", () => {
    const doubled = [...log, msg(6, "bot", "a2bis")];
    expect(answerBalance(doubled)).toEqual({ unanswered: 0, extra: 1 });
    const v = compareTranscript(shows(["q1", "a1", "q2", "a2"]), doubled);
    expect(v.duplicated).toBe(1);
    expect(v.extra_answers).toBe(1);
    expect(v.lost).toBe(1); // and the client does not show the second answer
  });
  it("finds a question never answered", () => {
    const v = compareTranscript(shows(["q1", "a1", "q2"]), log.slice(0, 4));
    expect(v.unanswered).toBe(1);
    expect(v.lost).toBe(1);
  });
  it("expects no bot answer once a person has the conversation, and takes the handoff button's reply as no extra", () => {
    const handed: LoggedEvent[] = [
      msg(1, "customer", "q1"),
      msg(2, "bot", "a1"),
      msg(3, "bot", "h1", { action: "handoff" }),
      { seq: 4, type: "state", state: "queued" },
      msg(5, "customer", "q2"),
      { seq: 6, type: "state", state: "agent" },
      msg(7, "agent", "r1"),
      { seq: 8, type: "state", state: "resolved" },
      msg(9, "customer", "q3"),
      { seq: 10, type: "state", state: "bot" },
      msg(11, "bot", "a3"),
    ];
    expect(answerBalance(handed)).toEqual({ unanswered: 0, extra: 0 });
  });
  it("pairs answers with questions in order when questions come in a burst", () => {
    const burst = [msg(1, "customer", "q1"), msg(2, "customer", "q2"), msg(3, "bot", "a1"), msg(4, "bot", "a2")];
    expect(answerBalance(burst)).toEqual({ unanswered: 0, extra: 0 });
  });
});

describe("longest increasing run", () => {
  it("is the classic", () => {
    expect(longestIncreasing([])).toBe(0);
    expect(longestIncreasing([1, 2, 3])).toBe(3);
    expect(longestIncreasing([3, 2, 1])).toBe(1);
    expect(longestIncreasing([2, 5, 3, 7, 11, 8, 10, 13, 6])).toBe(6);
  });
});
