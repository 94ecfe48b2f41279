// A graphql-transport-ws client for one subscription, reconnecting with back-off.
// The protocol: https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md

const PROTOCOL = "graphql-transport-ws";
const RETRY_MS = [1000, 2000, 5000, 10000, 30000];

// The ws: or wss: URL of an endpoint path on the page's own origin.
export function socketURL(path) {
  const url = new URL(path, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

// Subscribes `query` with `variables()` (called again at each reconnection, so it can
// resume from the last version seen). `onNext(payload)` gets each {data, errors};
// `onStatus("connecting" | "live" | "offline")` the connection's state; `onError(errors)` a
// refusal of the subscription itself (not retried: asking again gets the same answer).
// Returns a function that closes it for good.
export function subscribe(url, query, variables, { onNext, onStatus, onError }) {
  let socket = null;
  let attempt = 0;
  let timer = null;
  let closed = false;

  function connect() {
    onStatus("connecting");
    socket = new WebSocket(url, PROTOCOL);
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      switch (message.type) {
        case "connection_ack":
          attempt = 0;
          onStatus("live");
          socket.send(
            JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables: variables() } }),
          );
          break;
        case "next":
          onNext(message.payload);
          break;
        case "error":
          closed = true;
          onError(message.payload);
          socket.close(1000);
          break;
        case "ping":
          socket.send(JSON.stringify({ type: "pong" }));
          break;
        case "complete": // the server ended it: start again
          socket.close(1000);
          break;
        default:
          break;
      }
    });
    socket.addEventListener("close", () => {
      if (closed) {
        onStatus("offline");
        return;
      }
      onStatus("connecting");
      const delay = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
      attempt += 1;
      timer = setTimeout(connect, delay);
    });
  }

  connect();
  return function close() {
    closed = true;
    clearTimeout(timer);
    if (socket?.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ id: "1", type: "complete" }));
    }
    socket?.close(1000);
  };
}
