import { strict as assert } from "node:assert";
import { test } from "node:test";
import { StatusRefresh } from "../statusRefresh";
import { ServerStatus, statusLines } from "../statusText";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server whose totals grow with each answer, and the statuses the refresher applied. */
function fakeServer() {
  let evaluated = 0;
  const applied: ServerStatus[] = [];
  let fetches = 0;
  const fetch = async (): Promise<ServerStatus> => {
    fetches++;
    return { state: "ready", totals: { evaluated }, answers: { model: evaluated / 10 } };
  };
  return { answer: () => (evaluated += 10), applied, fetch, fetches: () => fetches };
}

test("the totals follow the answers: a burst of answers is one offgrid/status fetch", async () => {
  const server = fakeServer();
  const refresh = new StatusRefresh(server.fetch, (s) => server.applied.push(s), 20);
  for (let i = 0; i < 3; i++) {
    server.answer();
    refresh.answered();
  }
  await wait(60);
  assert.equal(server.fetches(), 1);
  assert.deepEqual(server.applied.at(-1)?.totals, { evaluated: 30 });
  assert.ok(statusLines(server.applied.at(-1), undefined).includes("totals: evaluated 30"));
  assert.ok(statusLines(server.applied.at(-1), undefined).includes("answers: model 3"));

  server.answer(); // a later answer refreshes again
  refresh.answered();
  await wait(60);
  assert.equal(server.fetches(), 2);
  assert.deepEqual(server.applied.at(-1)?.totals, { evaluated: 40 });
  refresh.dispose();
});

test("a steady stream of answers still refreshes, and nothing is applied after dispose", async () => {
  const server = fakeServer();
  const refresh = new StatusRefresh(server.fetch, (s) => server.applied.push(s), 20);
  for (let i = 0; i < 8; i++) {
    refresh.answered();
    await wait(10);
  }
  assert.ok(server.fetches() >= 2, `fetched ${server.fetches()} times`);
  refresh.answered();
  refresh.dispose();
  const before = server.applied.length;
  await wait(60);
  assert.equal(server.applied.length, before);
});

test("a failed fetch keeps the status shown", async () => {
  const applied: ServerStatus[] = [];
  const refresh = new StatusRefresh(() => Promise.reject(new Error("gone")), (s) => applied.push(s), 5);
  refresh.answered();
  await wait(30);
  assert.deepEqual(applied, []);
});
