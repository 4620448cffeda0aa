/**
 * The ceiling: the smallest Node HTTP server that reads a POST body and answers a fixed reply. run.ts
 * passes the exact body (and x-request-id length) our server answers, so both put the same bytes on the wire.
 */
import { createServer } from "node:http";

const reply = process.argv[2] ?? JSON.stringify({ model_name: "hello", outputs: [{ name: "y", datatype: "FP32", shape: [1, 3], data: [0, 0, 0] }] });
const requestId = "x".repeat(Number(process.argv[3] ?? 0));
const length = Buffer.byteLength(reply);
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const headers: Record<string, string | number> = { "content-type": "application/json", "content-length": length };
    if (requestId) headers["x-request-id"] = requestId;
    res.writeHead(200, headers);
    res.end(reply);
  });
});
server.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  process.stdout.write(JSON.stringify({ msg: "listening", url: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}` }) + "\n");
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
