import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { Settings, SettingView, UpdateSettingsRequest } from '../../../client/index.js';
import { api } from '../api.js';
import { errorText, FieldErrors, QueryState } from '../components/query-state.js';
import { mapFieldErrors } from '../field-errors.js';

type EditableKey = Exclude<keyof Settings, 'github_token'>;
const editable: Array<{ key: EditableKey; label: string; numeric: boolean }> = [
  { key: 'claude_cli_path', label: 'Claude CLI path', numeric: false },
  { key: 'claude_cli_model', label: 'Claude model', numeric: false },
  { key: 'max_concurrent', label: 'Max concurrent work orders', numeric: true },
  { key: 'retention_days', label: 'Retention (days)', numeric: true },
  { key: 'agent_timeout_seconds', label: 'Agent timeout (seconds)', numeric: true },
  // Budget defaults for work orders that set no limit of their own; empty: no limit.
  { key: 'max_cost_usd', label: 'Budget per work order: cost (USD)', numeric: true },
  { key: 'max_turns', label: 'Budget per work order: turns', numeric: true },
  { key: 'max_duration_seconds', label: 'Budget per work order: agent time (seconds)', numeric: true },
];
const settingFields = ['github_token', ...editable.map((setting) => setting.key)];

function Source({ setting }: { setting: SettingView }) {
  return (
    <span className="muted source">
      source: <strong>{setting.source}</strong>
      {setting.source === 'env' ? ` (${setting.env_variable} overrides what is stored)` : ` · overridden by ${setting.env_variable}`}
      {setting.error && <span className="field-error"> {setting.error}</span>}
    </span>
  );
}

export function SettingsPage() {
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => api.getSettings() });
  return (
    <>
      <h1>Settings</h1>
      <QueryState isPending={settings.isPending} error={settings.error} retry={() => void settings.refetch()} label="settings" />
      {settings.data && (
        <>
          <TokenForm setting={settings.data.github_token} />
          <SettingsForm settings={settings.data} />
          <ConnectionTests />
        </>
      )}
    </>
  );
}

function useSaveSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateSettingsRequest) => api.updateSettings(body),
    onSuccess: (saved) => queryClient.setQueryData(['settings'], saved),
  });
}

/** Write-only: the field never holds the stored token, only what the user types; the page shows the masked value. */
function TokenForm({ setting }: { setting: SettingView }) {
  const [token, setToken] = useState('');
  const save = useSaveSettings();
  const errors = mapFieldErrors(save.error, settingFields);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ github_token: token.trim() }, { onSuccess: () => setToken('') });
  };
  return (
    <form className="panel stack" onSubmit={submit} autoComplete="off">
      <h2>GitHub token</h2>
      <p>
        Current: <code className="masked-token">{setting.value === null ? 'none' : String(setting.value)}</code> <Source setting={setting} />
      </p>
      <label htmlFor="github_token">New token</label>
      <input
        id="github_token"
        type="password"
        autoComplete="new-password"
        value={token}
        onChange={(event) => setToken(event.target.value)}
        aria-describedby={errors.byField.github_token ? 'github_token-error' : undefined}
      />
      <FieldErrors id="github_token-error" messages={errors.byField.github_token ?? []} />
      <div className="actions">
        <button type="submit" className="primary" disabled={!token.trim() || save.isPending}>
          Save token
        </button>
        {setting.stored && (
          <button type="button" onClick={() => save.mutate({ github_token: null })} disabled={save.isPending}>
            Remove stored token
          </button>
        )}
        {save.isSuccess && <span role="status">Saved.</span>}
      </div>
      {errors.general.length > 0 && <p className="field-error" role="alert">{errors.general.join(' ')}</p>}
    </form>
  );
}

function SettingsForm({ settings }: { settings: Settings }) {
  const initial = () => Object.fromEntries(editable.map(({ key }) => [key, settings[key].value === null ? '' : String(settings[key].value)]));
  const [values, setValues] = useState<Record<string, string>>(initial);
  const save = useSaveSettings();
  const errors = mapFieldErrors(save.error, settingFields);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: Record<string, string | number | null> = {};
    for (const { key, numeric } of editable) {
      const value = values[key]!.trim();
      if (value === String(settings[key].value ?? '')) continue;
      body[key] = value === '' ? null : numeric && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    }
    save.mutate(body as UpdateSettingsRequest);
  };
  return (
    <form className="panel stack" onSubmit={submit}>
      <h2>Agent and limits</h2>
      {editable.map(({ key, label, numeric }) => (
        <div key={key} className="setting">
          <label htmlFor={key}>{label}</label>
          <input
            id={key}
            inputMode={numeric ? 'numeric' : undefined}
            value={values[key]}
            onChange={(event) => setValues({ ...values, [key]: event.target.value })}
            aria-describedby={`${key}-source${errors.byField[key] ? ` ${key}-error` : ''}`}
          />
          <span id={`${key}-source`}>
            <Source setting={settings[key]} />
          </span>
          <FieldErrors id={`${key}-error`} messages={errors.byField[key] ?? []} />
        </div>
      ))}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save settings
        </button>
        {save.isSuccess && <span role="status">Saved.</span>}
      </div>
      <p className="muted">An empty field removes the stored value, so the environment or the default applies.</p>
      {errors.general.length > 0 && <p className="field-error" role="alert">{errors.general.join(' ')}</p>}
    </form>
  );
}

function ConnectionTests() {
  const github = useMutation({ mutationFn: () => api.testGitHub() });
  const claude = useMutation({ mutationFn: () => api.testClaude() });
  return (
    <section className="panel stack" aria-labelledby="tests-heading">
      <h2 id="tests-heading">Connection tests</h2>
      <div className="actions">
        <button type="button" onClick={() => github.mutate()} disabled={github.isPending}>
          {github.isPending ? 'Testing GitHub…' : 'Test GitHub'}
        </button>
        <span role="status" className="test-result">
          {github.error && <span className="field-error">{errorText(github.error)}</span>}
          {github.data &&
            (github.data.ok ? (
              <span className="ok">GitHub OK{github.data.login ? `: signed in as ${github.data.login}` : ''} (token from {github.data.token_source})</span>
            ) : (
              <span className="field-error">GitHub failed: {github.data.error_message ?? 'no reason given'}</span>
            ))}
        </span>
      </div>
      <div className="actions">
        <button type="button" onClick={() => claude.mutate()} disabled={claude.isPending}>
          {claude.isPending ? 'Testing Claude…' : 'Test Claude'}
        </button>
        <span role="status" className="test-result">
          {claude.error && <span className="field-error">{errorText(claude.error)}</span>}
          {claude.data &&
            (claude.data.ok ? (
              <span className="ok">
                Claude CLI {claude.data.version ?? ''} at {claude.data.resolved_path ?? claude.data.cli_path}, model {claude.data.model}
              </span>
            ) : (
              <span className="field-error">Claude failed: {claude.data.error_message ?? 'not found'}</span>
            ))}
        </span>
      </div>
    </section>
  );
}
