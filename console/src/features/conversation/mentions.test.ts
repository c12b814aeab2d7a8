import { describe, expect, it } from "vitest";
import { insertMention, matchTeammates, mentionedIn, mentionQuery } from "./mentions.ts";

const people = [
  { id: "a1", name: "Ana Lima" },
  { id: "b2", name: "Bo Chen" },
  { id: "c3", name: "Zoë Émile" },
];

describe("mentionQuery", () => {
  it("finds @word before the caret at the start or after a space", () => {
    expect(mentionQuery("@an", 3)).toEqual({ start: 0, query: "an" });
    expect(mentionQuery("ask @Bo", 7)).toEqual({ start: 4, query: "Bo" });
    expect(mentionQuery("ask @", 5)).toEqual({ start: 4, query: "" });
  });
  it("is not an email address, and not once a space follows", () => {
    expect(mentionQuery("mail ana@example", 16)).toBeNull();
    expect(mentionQuery("@ana lima", 9)).toBeNull();
    expect(mentionQuery("plain", 5)).toBeNull();
  });
});

describe("matchTeammates", () => {
  it("matches the start of any word of the name, case and accents ignored", () => {
    expect(matchTeammates(people, "li").map((p) => p.id)).toEqual(["a1"]);
    expect(matchTeammates(people, "emi").map((p) => p.id)).toEqual(["c3"]);
    expect(matchTeammates(people, "").map((p) => p.id)).toEqual(["a1", "b2", "c3"]);
    expect(matchTeammates(people, "x")).toEqual([]);
    expect(matchTeammates(people, "", 2)).toHaveLength(2);
  });
});

describe("insertMention / mentionedIn", () => {
  it("replaces the query with the name and a space, caret after it", () => {
    const at = mentionQuery("please @bo check", 10);
    expect(at).toEqual({ start: 7, query: "bo" });
    if (!at) return;
    expect(insertMention("please @bo check", at, "Bo Chen")).toEqual({ text: "please @Bo Chen  check", caret: 16 });
  });
  it("keeps only picked teammates still named in the text, once each", () => {
    const picked = [people[0]!, people[1]!, people[0]!];
    expect(mentionedIn("@Ana Lima can you look", picked)).toEqual([people[0]]);
    expect(mentionedIn("nobody now", picked)).toEqual([]);
  });
});
