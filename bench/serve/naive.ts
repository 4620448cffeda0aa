/** The naive baseline: parse JSON, `session.run` on the event loop thread, JSON.stringify the result. */
import { createServer } from "node:http";
import ort from "onnxruntime-node";

const session = await ort.InferenceSession.create(process.argv[2]!, { intraOpNumThreads: 1 });
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    try {
      const doc = JSON.parse(Buffer.concat(chunks).toString()) as { inputs: { name: string; shape: number[]; data: number[] }[] };
      const input = doc.inputs[0]!;
      const out = await session.run({ [input.name]: new ort.Tensor("float32", Float32Array.from(input.data), input.shape) });
      const outputs = Object.entries(out).map(([name, t]) => ({ name, datatype: "FP32", shape: t.dims, data: Array.from(t.data as Float32Array) }));
      const body = JSON.stringify({ model_name: "mlp", outputs });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    } catch (err) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: (err as Error).message }));
    }
  });
});
server.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  process.stdout.write(JSON.stringify({ msg: "listening", url: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}` }) + "\n");
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
