import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

interface Command {
  command: string;
  title: string;
  category?: string;
}

const manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));
const commands: Command[] = manifest.contributes.commands;

/** What the command palette shows: the category before the title. */
const paletteTitle = (c: Command) => (c.category ? `${c.category}: ${c.title}` : c.title);

test("context menu entries say they are offgrid's (menus show the title without the category)", () => {
  const entries = manifest.contributes.menus["editor/context"] as { command: string }[];
  assert.ok(entries.some((e) => e.command === "offgrid.rewriteSelection"));
  for (const entry of entries) {
    const c = commands.find((x) => x.command === entry.command);
    assert.ok(c, `${entry.command} is a contributed command`);
    assert.match(c.title, /^offgrid: /, `${entry.command}'s menu title`);
  }
});

test("every command reads `offgrid: …` once in the command palette", () => {
  for (const c of commands) {
    assert.match(paletteTitle(c), /^offgrid: (?!offgrid)/, c.command);
  }
  assert.equal(paletteTitle(commands.find((c) => c.command === "offgrid.rewriteSelection")!), "offgrid: Rewrite selection…");
});
