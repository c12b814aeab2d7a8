// Action templates (shared/action-template.ts): values inserted into an answer can never become a link,
// a mark, a block or HTML once the one renderer (shared/markdown.ts) draws them, and still read as the
// data they are.
import { describe, expect, it } from "vitest";
import {
  escapeMarkdown,
  placeholdersOf,
  readPointer,
  renderTemplate,
  templateProblems,
  type Value,
} from "./action-template.ts";
import { actionDefinitionSchema, definitionProblems } from "./actions.ts";
import { markdownToText, renderMarkdown } from "./markdown.ts";

const answer = (t: string, values: Record<string, Value>) =>
  renderMarkdown(renderTemplate(t, (n) => values[n], escapeMarkdown));

describe("escaping values in an answer", () => {
  const hostile = [
    "[click here](https://evil.example/login)",
    "](https://evil.example) [",
    "https://evil.example/phish",
    "HTTPS://evil.example/phish",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "**urgent** _now_ `code`",
    "# Heading",
    "- item",
    "1. item",
    "> quote",
    "```",
    "a | b",
    "line one\n\n[x](https://evil.example)\n# two",
    "\\[x\\](https://evil.example)",
    "javascript:alert(1)",
  ];

  it("never produces a link, a tag or a block from data, wherever the value sits", () => {
    const templates = [
      "Your plan: {{v}}.",
      "{{v}}",
      "**{{v}}**",
      "_{{v}}_",
      "[{{v}}](https://lumen.example/account)",
      "| Plan | Value |\n| --- | --- |\n| x | {{v}} |",
      "- {{v}}",
    ];
    for (const t of templates) {
      const clean = answer(t, { v: "x" });
      for (const v of hostile) {
        const html = answer(t, { v });
        // The only tags are those the template itself makes around a plain value.
        const tags = (s: string) => (s.match(/<[a-z][^>]*>/g) ?? []).sort();
        expect(tags(html), `${t} ← ${JSON.stringify(v)}`).toEqual(tags(clean));
        expect(html).not.toContain('evil.example/login"');
        expect(html).not.toMatch(/href="https:\/\/evil/);
      }
    }
  });

  it("shows the data exactly as it was", () => {
    for (const v of ["A-1234", "jane_doe@example.com", "50% off *today*", "C:\\Users\\ana", "#42", "1. first", "a|b"]) {
      const text = markdownToText(renderTemplate("{{v}}", () => v, escapeMarkdown));
      expect(text).toBe(v);
    }
    expect(answer("Plan: **{{plan}}**", { plan: "Pro_2" })).toBe("<p>Plan: <strong>Pro_2</strong></p>");
  });

  it("keeps a value on its line", () => {
    expect(escapeMarkdown("a\r\nb\u2028c")).toBe("a b c");
  });
});

describe("templates", () => {
  it("repeats a section for each item, shows an inverted one when the list is empty", () => {
    const t = "{{#invoices}}- {{date}}: {{amount}} ({{plan}})\n{{/invoices}}{{^invoices}}No invoices.{{/invoices}}";
    const values: Record<string, Value> = {
      plan: "Plus",
      invoices: [
        { date: "2026-01-01", amount: "$2.99" },
        { date: "2026-02-01", amount: "$2.99" },
      ],
    };
    expect(
      renderTemplate(
        t,
        (n) => values[n],
        (s) => s,
      ),
    ).toBe("- 2026-01-01: $2.99 (Plus)\n- 2026-02-01: $2.99 (Plus)\n");
    expect(
      renderTemplate(
        t,
        (n) => ({ invoices: [] })[n] as Value,
        (s) => s,
      ),
    ).toBe("No invoices.");
  });

  it("lists only top-level names, and finds syntax errors", () => {
    expect(placeholdersOf("{{a}} {{#list}}{{x}}{{/list}} {{secret.KEY}}")).toEqual(["a", "list", "secret.KEY"]);
    expect(templateProblems("{{#a}}x")).toMatch(/not closed/);
    expect(templateProblems("{{a}")).toMatch(/matching/);
    expect(templateProblems("{{#a}}{{/b}}")).toMatch(/closes no open section/);
    expect(templateProblems("{{#a}}x{{/a}}", false)).toMatch(/only in the answer/);
    expect(templateProblems("Hi {{ name }}")).toBeNull();
  });

  it("reads JSON pointers", () => {
    const body: Value = { plan: { name: "Pro" }, "a/b": 1, list: [{ x: 1 }], "m~n": 2 };
    expect(readPointer(body, "/plan/name")).toBe("Pro");
    expect(readPointer(body, "/a~1b")).toBe(1);
    expect(readPointer(body, "/m~0n")).toBe(2);
    expect(readPointer(body, "/list/0/x")).toBe(1);
    expect(readPointer(body, "/list/01/x")).toBeUndefined();
    expect(readPointer(body, "/nope/x")).toBeUndefined();
    expect(readPointer(body, "/constructor")).toBeUndefined();
    expect(readPointer(body, "")).toBe(body);
  });
});

describe("action definitions", () => {
  const base = {
    name: "order-status",
    description: "Where an order is",
    kind: "read",
    method: "GET",
    url: "https://api.lumen.example/orders/{{order}}?email={{email}}",
    headers: { authorization: "Bearer {{secret.LUMEN_KEY}}" },
    inputs: [
      { name: "order", from: "customer", label: "Order number", pattern: "^[A-Z0-9-]{4,20}$" },
      { name: "email", from: "identity", field: "email" },
    ],
    response: { status: "/status" },
    answer: "Order {{order}} is **{{status}}**.",
  } as const;
  const problems = (over: Record<string, unknown>) => {
    const r = actionDefinitionSchema.safeParse({ ...base, ...over });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("takes a sound definition with its defaults", () => {
    const d = actionDefinitionSchema.parse(base);
    expect(d).toMatchObject({ timeoutMs: 5000, retries: 0, requiresApproval: false, customerCard: false });
    expect(definitionProblems(d)).toEqual([]);
  });

  it("refuses what would be unsafe or could not work", () => {
    expect(problems({ url: "https://{{host}}.example/x" })).toContain(
      "url: no placeholders in the host or port: an input must not choose where the call goes",
    );
    expect(problems({ url: "ftp://x.example/a" })).toEqual(["url: an http(s) URL"]);
    expect(problems({ answer: "key {{secret.LUMEN_KEY}}" })).toEqual([
      "answer: {{secret.LUMEN_KEY}}: secrets may only be used in the URL, headers and body",
    ]);
    expect(problems({ answer: "{{nope}}" })).toEqual(["answer: {{nope}} names no input or response value"]);
    expect(problems({ kind: "write", method: "POST" })).toEqual([
      "confirm: a write action needs a confirmation text: the customer reads it before saying yes",
    ]);
    expect(problems({ kind: "write", method: "POST", confirm: "Cancel {{order}}?", retries: 2 })).toEqual([
      "retries: write actions are never retried (the customer confirmed one call)",
    ]);
    expect(problems({ requiresApproval: true })).toEqual(["requiresApproval: approval is for write actions"]);
    expect(problems({ name: "secrets" })).toEqual(["name: this name is reserved"]);
    expect(problems({ inputs: [{ name: "order", from: "customer", label: "x", pattern: "([" }] })[0]).toMatch(
      /pattern: not a valid regular expression/,
    );
  });
});
