// A simulated customer for the benchmarks' "Do you mean …?" questions: it answers the way the person
// who asked would, by picking the option whose article is the one their question is about, or "none
// of these". It is the only reader of the labels besides the scorer, and it sits outside the bot:
// the bot sees nothing but the option the customer clicked, exactly as in the widget.
export type Labelled = { id: string; expect?: string; article?: string };

export class SimulatedCustomer {
  private readonly labels = new Map<string, Labelled>();
  constructor(queries: Labelled[]) {
    for (const q of queries) this.labels.set(q.id, q);
  }

  /** The option this question's asker would pick, or "none". */
  choose(queryId: string, options: readonly { articleId: string }[]): string {
    const want = this.labels.get(queryId)?.article;
    return options.find((o) => o.articleId === want)?.articleId ?? "none";
  }
}
