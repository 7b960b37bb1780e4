/** What a topic may be: the hub checks it on publish and on join, before the log sees it. */
import { byteLength } from './format.js';

const MAX_TOPIC_BYTES = 256;

/**
 * Why `topic` cannot be used, or null when it can: non-empty, at most 256 UTF-8 bytes.
 *
 * @example
 * topicProblem(''); // 'a topic must be a non-empty string'
 * topicProblem('orders'); // null
 */
export function topicProblem(topic: unknown): string | null {
  if (typeof topic !== 'string' || topic.length === 0) return 'a topic must be a non-empty string';
  if (byteLength(topic) > MAX_TOPIC_BYTES) {
    return `the topic ${JSON.stringify(topic.slice(0, 40))}… is over ${MAX_TOPIC_BYTES} bytes`;
  }
  return null;
}
