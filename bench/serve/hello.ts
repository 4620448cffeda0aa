/** The ceiling: the smallest Node HTTP server that reads a POST body and answers JSON. */
import { createServer } from "node:http";

const reply = JSON.stringify({ model_name: "hello", outputs: [{ name: "y", datatype: "FP32", shape: [1, 3], data: [0, 0, 0] }] });
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(reply) });
    res.end(reply);
  });
});
server.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  process.stdout.write(JSON.stringify({ msg: "listening", url: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}` }) + "\n");
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
