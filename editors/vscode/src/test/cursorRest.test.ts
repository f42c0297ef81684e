import { strict as assert } from "node:assert";
import { test } from "node:test";
import { askAgain, CursorPlace, CursorRest } from "../cursorRest";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const at = (line: number, character: number): CursorPlace => ({ uri: "file:///a.py", line, character });

test("only a place the cursor rests at is sent, once", async () => {
  const sent: CursorPlace[] = [];
  const rest = new CursorRest((p) => sent.push(p), 20);
  for (let c = 0; c < 5; c++) {
    rest.moved(at(3, c)); // typing: each keystroke moves the cursor
    await wait(2);
  }
  await wait(50);
  assert.deepEqual(sent, [at(3, 4)]);
  rest.moved(at(3, 4)); // the same place again: nothing new to evaluate
  await wait(50);
  assert.equal(sent.length, 1);
  rest.edited(); // ... unless the text changed
  rest.moved(at(3, 4));
  await wait(50);
  assert.equal(sent.length, 2);
  rest.moved(at(9, 0));
  rest.dispose(); // stopped before it rested: never sent
  await wait(50);
  assert.equal(sent.length, 2);
});

test("after offgrid/warmed the editor asks again only where the capped request was, on the same text", () => {
  const warmed = { uri: "file:///a.py", version: 4, position: { line: 3, character: 8 } };
  const here = { uri: "file:///a.py", version: 4, line: 3, character: 8 };
  assert.ok(askAgain(warmed, here));
  assert.ok(!askAgain(warmed, { ...here, version: 5 }));
  assert.ok(!askAgain(warmed, { ...here, character: 9 }));
  assert.ok(!askAgain(warmed, { ...here, uri: "file:///b.py" }));
});
