import { StringDecoder } from 'node:string_decoder';
import type { AgentEvent, AgentResult, TokenCounts } from './agent-types.js';

type JsonObject = Record<string, unknown>;

/**
 * Parses one line of `claude --print --output-format stream-json --verbose`. One line can carry several facts (an
 * assistant message may hold text and tool calls), so the answer is a list; a blank line is no fact. Never throws:
 * the agent's output is not ours to trust.
 */
export function parseStreamJsonLine(line: string): AgentEvent[] {
  const trimmed = line.trim();
  if (trimmed === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (error) {
    return [{ type: 'malformed_line', line, reason: `not JSON: ${(error as Error).message}` }];
  }
  if (!isObject(parsed) || typeof parsed.type !== 'string') {
    return [{ type: 'malformed_line', line, reason: 'not an object with a string "type"' }];
  }
  switch (parsed.type) {
    case 'system':
      return parsed.subtype === 'init' && typeof parsed.session_id === 'string'
        ? [{ type: 'session_started', sessionId: parsed.session_id, model: stringOrNull(parsed.model) }]
        : [{ type: 'other', raw: parsed }];
    case 'assistant':
      return orOther(assistantEvents(parsed), parsed);
    case 'user':
      return orOther(parsed.isReplay === true ? replayedUserEvents(parsed) : toolResultEvents(parsed), parsed);
    case 'result':
      return [{ type: 'result', result: toAgentResult(parsed) }];
    default:
      return [{ type: 'other', raw: parsed }];
  }
}

function assistantEvents(line: JsonObject): AgentEvent[] {
  const message = line.message;
  const call: AgentEvent[] =
    isObject(message) && typeof message.id === 'string' && isObject(message.usage)
      ? [{ type: 'model_called', messageId: message.id, model: stringOrNull(message.model), tokens: tokenCounts(message.usage, 'snake') }]
      : [];
  return call.concat(contentBlocks(line).flatMap((block): AgentEvent[] => {
    if (block.type === 'text' && typeof block.text === 'string') return [{ type: 'assistant_text', text: block.text }];
    if (block.type === 'tool_use' && typeof block.name === 'string' && typeof block.id === 'string') {
      return [{ type: 'tool_used', toolName: block.name, toolUseId: block.id, input: block.input }];
    }
    return [];
  }));
}

/** `usage` (snake_case, one call or turn) or one model's `modelUsage` entry (camelCase, whole process). */
function tokenCounts(usage: JsonObject, style: 'snake' | 'camel'): TokenCounts {
  const count = (snake: string, camel: string) => numberOrNull(usage[style === 'snake' ? snake : camel]) ?? 0;
  return {
    input: count('input_tokens', 'inputTokens'),
    cacheCreation: count('cache_creation_input_tokens', 'cacheCreationInputTokens'),
    cacheRead: count('cache_read_input_tokens', 'cacheReadInputTokens'),
    output: count('output_tokens', 'outputTokens'),
  };
}

function processTokens(modelUsage: unknown): TokenCounts | null {
  if (!isObject(modelUsage)) return null;
  const perModel = Object.values(modelUsage).filter(isObject).map((entry) => tokenCounts(entry, 'camel'));
  if (perModel.length === 0) return null;
  return perModel.reduce((sum, entry) => ({
    input: sum.input + entry.input,
    cacheCreation: sum.cacheCreation + entry.cacheCreation,
    cacheRead: sum.cacheRead + entry.cacheRead,
    output: sum.output + entry.output,
  }));
}

function toolResultEvents(line: JsonObject): AgentEvent[] {
  return contentBlocks(line).flatMap((block): AgentEvent[] =>
    block.type === 'tool_result' && typeof block.tool_use_id === 'string'
      ? [{ type: 'tool_result', toolUseId: block.tool_use_id, isError: block.is_error === true, content: toolResultText(block.content) }]
      : [],
  );
}

/** With --replay-user-messages the CLI echoes each message it took from stdin: the proof a prompt was taken. */
function replayedUserEvents(line: JsonObject): AgentEvent[] {
  const text = contentBlocks(line)
    .filter((block) => block.type === 'text' && typeof block.text === 'string')
    .map((block) => block.text as string)
    .join('');
  return text ? [{ type: 'user_message_taken', text }] : [];
}

function toAgentResult(line: JsonObject): AgentResult {
  const subtype = stringOrNull(line.subtype);
  // Error subtypes (max turns, execution errors) carry `errors` instead of a `result` text.
  const errors = Array.isArray(line.errors) ? line.errors.filter((item): item is string => typeof item === 'string') : [];
  return {
    sessionId: stringOrNull(line.session_id),
    // An API error still reports subtype "success"; is_error is the truth, the subtype a fallback for older CLIs.
    isError: typeof line.is_error === 'boolean' ? line.is_error : subtype !== 'success',
    resultText: typeof line.result === 'string' ? line.result : errors.join('\n'),
    costUsd: numberOrNull(line.total_cost_usd),
    numTurns: numberOrNull(line.num_turns),
    durationMs: numberOrNull(line.duration_ms),
    usage: isObject(line.usage) ? line.usage : null,
    processTokens: processTokens(line.modelUsage),
    subtype,
  };
}

function contentBlocks(line: JsonObject): JsonObject[] {
  const message = line.message;
  if (!isObject(message) || !Array.isArray(message.content)) return [];
  return message.content.filter(isObject);
}

function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isObject)
    .map((block) => (typeof block.text === 'string' ? block.text : `[${String(block.type)}]`))
    .join('\n');
}

function orOther(events: AgentEvent[], raw: JsonObject): AgentEvent[] {
  return events.length > 0 ? events : [{ type: 'other', raw }];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Turns arbitrary stdout chunks into complete lines; a chunk may end mid-line or mid-character. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** The lines completed by this chunk, without their line endings. */
  push(chunk: Buffer | string): string[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    return lines.map(stripCarriageReturn);
  }

  /** Whatever is left once the stream has ended (a last line without a newline). */
  flush(): string[] {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest === '' ? [] : [stripCarriageReturn(rest)];
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
