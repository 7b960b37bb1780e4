import type { DemoControlRequest } from '../demo-server/payloads';

/**
 * Asks the demo server for a fault (`POST /demo/control`); resolves to its answer as text.
 *
 * @example
 * await postControl({ action: 'fail', stream: 'chat', seconds: 5 });
 */
export async function postControl(request: DemoControlRequest): Promise<string> {
  const response = await fetch('/demo/control', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
  });
  return `${response.status} ${await response.text()}`;
}
