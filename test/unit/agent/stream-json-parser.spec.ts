import { LineSplitter, parseStreamJsonLine } from '../../../src/agent/stream-json-parser.js';

// Lines as Claude Code 2.1.x prints them (trimmed of fields the parser does not read).
const initLine = JSON.stringify({
  type: 'system',
  subtype: 'init',
  cwd: '/tmp/sandbox',
  session_id: 'f7f4c148-b319-44a8-b1a1-576a81eb6fca',
  tools: ['Bash', 'Write'],
  model: 'claude-sonnet-5',
  permissionMode: 'bypassPermissions',
});
const toolUseLine = JSON.stringify({
  type: 'assistant',
  message: {
    id: 'msg_1',
    role: 'assistant',
    content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'echo hi > created.txt' } }],
  },
  session_id: 'f7f4c148-b319-44a8-b1a1-576a81eb6fca',
});
const toolResultLine = JSON.stringify({
  type: 'user',
  message: { role: 'user', content: [{ tool_use_id: 'toolu_1', type: 'tool_result', content: '(Bash completed with no output)', is_error: false }] },
});
const successLine = JSON.stringify({
  type: 'result',
  subtype: 'success',
  is_error: false,
  duration_ms: 545,
  num_turns: 2,
  result: 'All finished',
  session_id: 'f7f4c148-b319-44a8-b1a1-576a81eb6fca',
  total_cost_usd: 0.0012,
  usage: { input_tokens: 200, output_tokens: 40 },
});
// An API error keeps subtype "success": only is_error tells.
const apiErrorLine = JSON.stringify({
  type: 'result',
  subtype: 'success',
  is_error: true,
  api_error_status: 400,
  duration_ms: 90,
  num_turns: 1,
  result: 'API Error: 400 scripted bad request',
  session_id: 'eedca058',
  total_cost_usd: 0,
  usage: { input_tokens: 0, output_tokens: 0 },
});

describe('parseStreamJsonLine', () => {
  it('reads a user message the CLI echoes back from stdin as taken, and nothing else from user lines as such', () => {
    const replay = { type: 'user', isReplay: true, message: { role: 'user', content: [{ type: 'text', text: 'also add tests' }] }, session_id: 's' };
    expect(parseStreamJsonLine(JSON.stringify(replay))).toEqual([{ type: 'user_message_taken', text: 'also add tests' }]);
    const notReplayed = { ...replay, isReplay: undefined };
    expect(parseStreamJsonLine(JSON.stringify(notReplayed))).toEqual([{ type: 'other', raw: JSON.parse(JSON.stringify(notReplayed)) }]);
  });

  it('reads the session id and model from the init line', () => {
    expect(parseStreamJsonLine(initLine)).toEqual([
      { type: 'session_started', sessionId: 'f7f4c148-b319-44a8-b1a1-576a81eb6fca', model: 'claude-sonnet-5' },
    ]);
  });

  it('reads a successful result', () => {
    expect(parseStreamJsonLine(successLine)).toEqual([
      {
        type: 'result',
        result: {
          sessionId: 'f7f4c148-b319-44a8-b1a1-576a81eb6fca',
          isError: false,
          resultText: 'All finished',
          costUsd: 0.0012,
          numTurns: 2,
          durationMs: 545,
          usage: { input_tokens: 200, output_tokens: 40 },
          processTokens: null,
          subtype: 'success',
        },
      },
    ]);
  });

  it('trusts is_error over the subtype', () => {
    const [event] = parseStreamJsonLine(apiErrorLine);
    expect(event).toMatchObject({ type: 'result', result: { isError: true, resultText: 'API Error: 400 scripted bad request', costUsd: 0 } });
  });

  it('reads the errors of a result that has no result text', () => {
    const line = JSON.stringify({ type: 'result', subtype: 'error_max_turns', session_id: 's', errors: ['Reached maximum number of turns (1)'] });
    const [event] = parseStreamJsonLine(line);
    expect(event).toMatchObject({
      type: 'result',
      result: { isError: true, subtype: 'error_max_turns', resultText: 'Reached maximum number of turns (1)', costUsd: null, usage: null },
    });
  });

  it('reads tool calls and their results', () => {
    expect(parseStreamJsonLine(toolUseLine)).toEqual([
      { type: 'tool_used', toolName: 'Bash', toolUseId: 'toolu_1', input: { command: 'echo hi > created.txt' } },
    ]);
    expect(parseStreamJsonLine(toolResultLine)).toEqual([
      { type: 'tool_result', toolUseId: 'toolu_1', isError: false, content: '(Bash completed with no output)' },
    ]);
  });

  it('flattens a tool result given as content blocks', () => {
    const line = JSON.stringify({
      type: 'user',
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_2', is_error: true, content: [{ type: 'text', text: 'exit 1' }, { type: 'image' }] }] },
    });
    expect(parseStreamJsonLine(line)).toEqual([{ type: 'tool_result', toolUseId: 'toolu_2', isError: true, content: 'exit 1\n[image]' }]);
  });

  it('reads a model call from an assistant line, and the whole process\'s tokens from a result', () => {
    const assistant = JSON.stringify({
      type: 'assistant',
      message: { id: 'msg_1', model: 'claude-sonnet-5', usage: { input_tokens: 10, cache_creation_input_tokens: 5, cache_read_input_tokens: 2000, output_tokens: 1 }, content: [{ type: 'text', text: 'Hi' }] },
    });
    expect(parseStreamJsonLine(assistant)).toEqual([
      { type: 'model_called', messageId: 'msg_1', model: 'claude-sonnet-5', tokens: { input: 10, cacheCreation: 5, cacheRead: 2000, output: 1 } },
      { type: 'assistant_text', text: 'Hi' },
    ]);
    const result = JSON.stringify({
      type: 'result',
      subtype: 'success',
      is_error: false,
      result: 'ok',
      modelUsage: { 'claude-sonnet-5': { inputTokens: 500, outputTokens: 100, cacheReadInputTokens: 7, cacheCreationInputTokens: 3 }, 'claude-haiku-4-5': { inputTokens: 50, outputTokens: 10 } },
    });
    expect(parseStreamJsonLine(result)[0]).toMatchObject({ result: { processTokens: { input: 550, cacheCreation: 3, cacheRead: 7, output: 110 } } });
  });

  it('gives every block of an assistant message, in order', () => {
    const line = JSON.stringify({
      type: 'assistant',
      message: { content: [{ type: 'text', text: 'Creating it.' }, { type: 'tool_use', id: 'toolu_3', name: 'Write', input: { file_path: 'a.txt' } }] },
    });
    expect(parseStreamJsonLine(line).map((event) => event.type)).toEqual(['assistant_text', 'tool_used']);
  });

  it('passes other known-shape lines through as other', () => {
    const line = { type: 'system', subtype: 'task_started', session_id: 's' };
    expect(parseStreamJsonLine(JSON.stringify(line))).toEqual([{ type: 'other', raw: line }]);
    expect(parseStreamJsonLine(JSON.stringify({ type: 'assistant', message: { content: [{ type: 'thinking' }] } }))[0]!.type).toBe('other');
  });

  it.each([
    ['not JSON', 'npm warn Unknown user config'],
    ['truncated JSON', '{"type":"result","is_err'],
    ['an array', '[1,2]'],
    ['a string', '"hello"'],
    ['null', 'null'],
    ['an object without type', '{"session_id":"x"}'],
    ['a numeric type', '{"type":3}'],
  ])('reports %s as a malformed line without throwing', (_name, line) => {
    const events = parseStreamJsonLine(line);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'malformed_line', line });
  });

  it('ignores blank lines', () => {
    expect(parseStreamJsonLine('')).toEqual([]);
    expect(parseStreamJsonLine('  \r')).toEqual([]);
  });
});

describe('LineSplitter', () => {
  it('holds a partial line until its end arrives', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(initLine.slice(0, 20))).toEqual([]);
    expect(splitter.push(`${initLine.slice(20)}\n${successLine.slice(0, 10)}`)).toEqual([initLine]);
    expect(splitter.push(`${successLine.slice(10)}\n`)).toEqual([successLine]);
    expect(splitter.flush()).toEqual([]);
  });

  it('gives several lines from one chunk and strips CRLF', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('a\r\nb\n\nc')).toEqual(['a', 'b', '']);
    expect(splitter.flush()).toEqual(['c']);
  });

  it('does not break a multi-byte character split across chunks', () => {
    const bytes = Buffer.from('{"type":"assistant","text":"héllo ✓"}\n', 'utf8');
    const cut = bytes.indexOf(0xe2) + 1;
    const splitter = new LineSplitter();
    expect(splitter.push(bytes.subarray(0, cut))).toEqual([]);
    expect(splitter.push(bytes.subarray(cut))).toEqual(['{"type":"assistant","text":"héllo ✓"}']);
  });
});
