// Baseline: the cheapest Worker that still accepts a webhook. Whatever it costs per
// request is the floor set by workerd, Miniflare's loopback server and the load
// generator on this machine.
//
// It reads the body before answering: a Worker that answers without reading a 5 KB
// request body makes workerd drop the keep-alive connection while the client is still
// writing it (ECONNRESET on about half the requests here), which would measure
// reconnects instead of the runtime. Both other workers read the body too.
export default {
  async fetch(request: Request): Promise<Response> {
    await request.arrayBuffer();
    return new Response('ok');
  },
};
