import { Component, ReactNode, useEffect } from 'react';
import { navigate, Route, useRoute } from './lib/router';
import { useTheme } from './lib/theme';
import { Empty } from './components/common';
import { ExperimentListPage } from './pages/ExperimentListPage';
import { ExperimentPage } from './pages/ExperimentPage';
import { RunPage, RunRedirect } from './pages/RunPage';
import { ComparePage } from './pages/ComparePage';
import { ModelListPage } from './pages/ModelListPage';
import { ModelPage } from './pages/ModelPage';
import { ModelVersionPage } from './pages/ModelVersionPage';
import { LoggedModelPage } from './pages/LoggedModelPage';

// MLflow's hash routes (docs/reference/ui.md, Routes), so existing links open the same page.
function Page({ route }: { route: Route }) {
  const s = route.segments;
  if (s.length === 0) return <Redirect to="#/experiments" />;
  if (s[0] === 'experiments') {
    if (s.length === 1) return <ExperimentListPage />;
    const id = s[1];
    if (s.length === 2 || (s.length === 3 && (s[2] === 'runs' || s[2] === 's'))) return <ExperimentPage experimentId={id} tab="runs" />;
    if (s[2] === 'models' && s.length === 3) return <ExperimentPage experimentId={id} tab="models" />;
    if (s[2] === 'models') return <LoggedModelPage experimentId={id} modelId={s[3]} tab={s[4] ?? 'overview'} />;
    if (s[2] === 'runs' && s.length >= 4) {
      // MLflow 2 spelled the artifacts tab "artifactPath".
      const tab = s[4] === 'artifactPath' ? 'artifacts' : s[4] ?? 'overview';
      return <RunPage experimentId={id} runId={s[3]} tab={tab} artifactPath={s.slice(5).join('/')} />;
    }
    // MLflow 3's GenAI tabs (traces, evaluation runs, ...) are not in this UI: show the runs.
    if (s.length === 3) return <ExperimentPage experimentId={id} tab="runs" />;
  }
  if (s[0] === 'runs' && s.length >= 2) return <RunRedirect runId={s[1]} rest={s.slice(2)} />;
  if (s[0] === 'compare-runs') return <ComparePage />;
  if (s[0] === 'compare-experiments') return <CompareExperiments ids={route.query.get('experiments')} />;
  if (s[0] === 'models') {
    if (s.length === 1) return <ModelListPage />;
    if (s.length === 2) return <ModelPage name={s[1]} />;
    if (s[2] === 'versions' && s.length >= 4) return <ModelVersionPage name={s[1]} version={s[3]} />;
  }
  return (
    <Empty title="Page not found">
      <p>Nothing lives at <code>#{route.path}</code>.</p>
      <a href="#/experiments">Go to the experiments</a>
    </Empty>
  );
}

function CompareExperiments({ ids }: { ids: string | null }) {
  let list: string[] = [];
  try {
    list = (JSON.parse(ids ?? '[]') as unknown[]).map(String);
  } catch {
    list = (ids ?? '').split(',').filter(Boolean);
  }
  if (!list.length) return <Empty title="No experiments to compare"><a href="#/experiments">Pick experiments</a></Empty>;
  return <ExperimentPage experimentIds={list} tab="runs" />;
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}

// A bug in one page shows a message in that page instead of a blank screen.
class Boundary extends Component<{ children: ReactNode; resetKey: string }, { error?: Error }> {
  state: { error?: Error } = {};
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: undefined });
  }
  render() {
    if (this.state.error) {
      return (
        <div className="page">
          <div className="error-box" role="alert">
            <strong>This page failed to render</strong>
            {this.state.error.message}
          </div>
        </div>
      );
    }
    return this.props.children;
  }
}

export function App() {
  const route = useRoute();
  const [theme, setTheme] = useTheme();
  const top = route.segments[0] ?? 'experiments';
  return (
    <div className="app">
      <header className="topbar">
        <a className="logo" href="#/experiments">
          <svg width="22" height="22" viewBox="0 0 32 32" aria-hidden="true">
            <rect width="32" height="32" rx="7" fill="#0b5cad" />
            <path d="M7 22l6-8 5 5 7-10" fill="none" stroke="#fff" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          mlflow <small>cpp</small>
        </a>
        <nav className="nav">
          <a href="#/experiments" className={top === 'experiments' || top === 'runs' || top === 'compare-runs' ? 'active' : ''}>Experiments</a>
          <a href="#/models" className={top === 'models' ? 'active' : ''}>Models</a>
        </nav>
        <div className="spacer" />
        <button className="icon" title={theme === 'dark' ? 'Light mode' : 'Dark mode'} aria-label="Toggle dark mode"
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}>
          {theme === 'dark' ? (
            <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2"><circle cx="12" cy="12" r="4" /><path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" /></svg>
          ) : (
            <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2"><path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z" /></svg>
          )}
        </button>
      </header>
      <main className="main">
        <Boundary resetKey={route.path}>
          <Page route={route} />
        </Boundary>
      </main>
    </div>
  );
}
