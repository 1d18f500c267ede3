// Browser-only (DOM). Webview side of the host connection: the VS Code API is acquired once and kept private to this module.

declare function acquireVsCodeApi(): {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
};

const api = acquireVsCodeApi();

export function post<T extends { type: string }>(msg: T): void {
  api.postMessage(msg);
}

export function getState<T>(validate: (v: unknown) => T | undefined): T | undefined {
  try {
    return validate(api.getState());
  } catch {
    return undefined;
  }
}

export function setState(state: unknown): void {
  api.setState(state);
}

/** Listen for host messages; only messages that pass `validate` reach the handler. */
export function onMessage<T>(validate: (v: unknown) => T | undefined, handler: (msg: T) => void): void {
  window.addEventListener('message', (ev: MessageEvent) => {
    const msg = validate(ev.data);
    if (msg !== undefined) handler(msg);
    else console.warn('ignored an invalid message from the host');
  });
}

/** Tell the host the page is ready to receive state (the handshake). */
export function ready(): void {
  post({ type: 'ready' });
}
