/**
 * Request limits, declared once: JSON bodies are small, a few KB at most. The standalone
 * product sets them on its server; a host app keeps its own (Twofold's bodies fit any sane one).
 */
export const LIMITS = {
  bodyLimit: 64 * 1024,
  maxParamLength: 200,
  /**
   * Request line plus every header, in bytes (Node's default, stated here); beyond it Node
   * answers 431. It bounds the URL and the header count too: Node's own header count limit
   * drops extra headers silently rather than refusing the request.
   */
  maxHeaderSize: 16 * 1024,
  requestTimeoutMs: 30_000,
} as const;
