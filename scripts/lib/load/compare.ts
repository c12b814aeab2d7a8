// What a client ended up showing, compared with what the conversation stored: the verdict of every chaos
// scenario (scripts/chaos.ts), tested on its own (tests/unit/transcript-compare.test.ts). The server's
// event log is the truth (read through the admin API at the end); a client's transcript is the messages
// its reducer (shared/timeline.ts) holds after its last reconnect.
//
// - lost: a message the customer may see that the client does not show, a message the client sent that
//   was never stored, and a question the bot never answered while it held the conversation;
// - duplicated: a message the client shows more than once, a clientId stored twice, and a question the
//   bot answered more than once;
// - out_of_order: messages the client shows in another order than their seqs (the fewest that would
//   have to move: the transcript's length minus its longest run increasing in seq).

/** A stored event as the admin API gives it (only what the comparison reads). */
export type LoggedEvent = {
  seq: number;
  type: string;
  id?: string;
  author?: string;
  text?: string;
  clientId?: string;
  action?: string;
  audience?: string;
  /** A retract event: the message it takes back. */
  messageId?: string;
  /** A state event: the state entered, and why (an idle auto-resolve says "idle"). */
  state?: string;
  reason?: string;
};

/** What one client holds at the end. */
export type ClientTranscript = {
  /** The messages it shows, in its order (a reducer's `messages`). */
  messages: readonly { id: string; seq: number; text: string }[];
  /** Every clientId it sent (whether or not it saw the ack). */
  sent: readonly string[];
};

export type Verdict = {
  lost: number;
  duplicated: number;
  out_of_order: number;
  /** Of lost: questions the bot never answered. */
  unanswered: number;
  /** Of duplicated: bot replies beyond one per question. */
  extra_answers: number;
  /** Messages the client shows that the log does not hold (counted in neither of the above). */
  phantom: number;
  /** Messages whose text differs from the stored one (a draft left half-streamed, say). */
  mismatched: number;
  /** One line per problem found, for the report (at most 20). */
  details: string[];
};

const visible = (e: LoggedEvent) => e.audience !== "agents";

/** The messages a customer's client should show, in seq order: visible messages minus retracted ones. */
export function customerMessages(log: readonly LoggedEvent[]): LoggedEvent[] {
  const ordered = [...log].sort((a, b) => a.seq - b.seq);
  const retracted = new Set(ordered.filter((e) => e.type === "retract" && e.messageId).map((e) => e.messageId));
  return ordered.filter((e) => e.type === "message" && visible(e) && e.id !== undefined && !retracted.has(e.id));
}

/**
 * Questions without an answer and answers beyond one per question, from the log alone. Each bot reply
 * answers the oldest question still waiting (the bot works its queue in order); a customer message
 * waits for a reply only while the bot holds the conversation (states bot and resolved, which the next
 * message reopens). A bot "handoff" reply with no question waiting is the answer to the customer's
 * "talk to a person" button, not an extra answer.
 */
export function answerBalance(log: readonly LoggedEvent[]): { unanswered: number; extra: number } {
  let state = "bot";
  let waiting = 0;
  let extra = 0;
  for (const e of [...log].sort((a, b) => a.seq - b.seq)) {
    if (e.type === "state" && e.state) state = e.state;
    if (e.type !== "message" || !visible(e)) continue;
    if (e.author === "customer" && (state === "bot" || state === "resolved")) waiting++;
    else if (e.author === "bot") {
      if (waiting > 0) waiting--;
      else if (e.action !== "handoff") extra++;
    }
  }
  return { unanswered: waiting, extra };
}

/** The length of the longest strictly increasing subsequence (patience sorting, O(n log n)). */
export function longestIncreasing(xs: readonly number[]): number {
  const tails: number[] = [];
  for (const x of xs) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((tails[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = x;
  }
  return tails.length;
}

/** One client's transcript against its conversation's log. */
export function compareTranscript(client: ClientTranscript, log: readonly LoggedEvent[]): Verdict {
  const details: string[] = [];
  const note = (s: string) => void (details.length < 20 && details.push(s));
  const expected = customerMessages(log);
  const byId = new Map(expected.map((e) => [e.id as string, e]));
  const anyById = new Map(log.filter((e) => e.id !== undefined).map((e) => [e.id as string, e]));

  const seen = new Map<string, number>();
  let duplicated = 0;
  let phantom = 0;
  let mismatched = 0;
  const seqs: number[] = [];
  for (const m of client.messages) {
    const n = (seen.get(m.id) ?? 0) + 1;
    seen.set(m.id, n);
    if (n > 1) {
      duplicated++;
      note(`shown twice: ${m.id}`);
      continue;
    }
    const stored = byId.get(m.id);
    if (!stored) {
      // A message the log holds but hides from customers would be a leak, not a phantom: report it as such.
      phantom++;
      note(anyById.has(m.id) ? `shown but not for customers: ${m.id}` : `shown but never stored: ${m.id}`);
      continue;
    }
    if (stored.text !== undefined && stored.text !== m.text) {
      mismatched++;
      note(`text differs: ${m.id}`);
    }
    seqs.push(stored.seq);
  }
  const out_of_order = seqs.length - longestIncreasing(seqs);
  if (out_of_order) note(`${out_of_order} message(s) out of order`);

  let lost = 0;
  for (const e of expected)
    if (!seen.has(e.id as string)) {
      lost++;
      note(`not shown: ${e.id} (seq ${e.seq}, ${e.author})`);
    }
  const storedClientIds = new Map<string, number>();
  for (const e of log)
    if (e.type === "message" && e.clientId) storedClientIds.set(e.clientId, (storedClientIds.get(e.clientId) ?? 0) + 1);
  for (const id of new Set(client.sent)) {
    const n = storedClientIds.get(id) ?? 0;
    if (n === 0) {
      lost++;
      note(`sent, never stored: ${id}`);
    } else if (n > 1) {
      duplicated += n - 1;
      note(`stored ${n} times: ${id}`);
    }
  }
  const { unanswered, extra } = answerBalance(log);
  if (unanswered) note(`${unanswered} question(s) never answered`);
  if (extra) note(`${extra} answer(s) beyond one per question`);
  return {
    lost: lost + unanswered,
    duplicated: duplicated + extra,
    out_of_order,
    unanswered,
    extra_answers: extra,
    phantom,
    mismatched,
    details,
  };
}

/** Verdicts of many clients added up; details kept from the first few with problems. */
export function addVerdicts(vs: readonly Verdict[]): Verdict {
  const sum: Verdict = {
    lost: 0,
    duplicated: 0,
    out_of_order: 0,
    unanswered: 0,
    extra_answers: 0,
    phantom: 0,
    mismatched: 0,
    details: [],
  };
  for (const v of vs) {
    sum.lost += v.lost;
    sum.duplicated += v.duplicated;
    sum.out_of_order += v.out_of_order;
    sum.unanswered += v.unanswered;
    sum.extra_answers += v.extra_answers;
    sum.phantom += v.phantom;
    sum.mismatched += v.mismatched;
    for (const d of v.details) if (sum.details.length < 20) sum.details.push(d);
  }
  return sum;
}
