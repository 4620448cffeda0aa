/** Structured JSON logs: one line per event, a request id on every request-scoped line, echoed to the client. */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { pino } from "pino";
import { mlp, writeModel } from "../fixtures/onnx/build.ts";
import { defaultConfig, startServer } from "../../services/inference/index.ts";
import { http, postJson, tempDir } from "./helpers.ts";

test("refused requests log their request id, the client's x-request-id is echoed, model events are logged", async () => {
  const dir = tempDir();
  writeModel(dir.path, "mlp", "1", mlp());
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const server = await startServer(defaultConfig({ port: 0, modelRepository: dir.path }), { logger: pino({ level: "info" }, sink) });
  try {
    await server.loaded;
    const given = await http(server.url, "POST", "/v2/models/mlp/infer", "{not json", { "x-request-id": "client-42" });
    assert.equal(given.status, 400);
    const generated = await postJson(server.url, "/v2/models/mlp/infer", { inputs: [] });
    assert.equal(generated.status, 400);
    const ok = await postJson(server.url, "/v2/models/mlp/infer", { inputs: [{ name: "x", datatype: "FP32", shape: [1, 8], data: [1, 2, 3, 4, 5, 6, 7, 8] }] });
    assert.equal(ok.status, 200);
    assert.ok(typeof ok.headers["x-request-id"] === "string" && ok.headers["x-request-id"].length > 0);
    await new Promise((r) => setImmediate(r));
    const refused = lines.filter((l) => l.msg === "infer request refused");
    assert.deepEqual(refused.map((l) => l.status), [400, 400]);
    assert.equal(refused[0]!.reqId, "client-42");
    assert.ok(typeof refused[1]!.reqId === "string" && refused[1]!.reqId !== "client-42");
    assert.ok(lines.some((l) => l.msg === "listening" && typeof l.url === "string"));
    assert.ok(lines.some((l) => l.msg === "model ready" && l.model === "mlp" && typeof l.seconds === "number"));
  } finally {
    await server.close();
    dir.remove();
  }
});
