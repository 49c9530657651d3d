// Dark mode: the choice is kept in localStorage; without one the OS preference
// (prefers-color-scheme) decides. index.html applies it before the first paint.
import { useEffect, useState } from 'react';

const KEY = 'mlflow-cpp.theme';
export type Theme = 'light' | 'dark';

function current(): Theme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

export function useTheme(): [Theme, (t: Theme) => void] {
  const [theme, setThemeState] = useState<Theme>(current);
  useEffect(() => {
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    const on = () => {
      if (localStorage.getItem(KEY)) return;
      document.documentElement.dataset.theme = mq.matches ? 'dark' : 'light';
      setThemeState(current());
    };
    mq?.addEventListener?.('change', on);
    return () => mq?.removeEventListener?.('change', on);
  }, []);
  const setTheme = (t: Theme) => {
    localStorage.setItem(KEY, t);
    document.documentElement.dataset.theme = t;
    setThemeState(t);
    window.dispatchEvent(new Event('mlflow-theme'));
  };
  return [theme, setTheme];
}

// Colours that canvas charts need as values, read from the CSS variables of the current theme.
export function chartColors() {
  const s = getComputedStyle(document.documentElement);
  const v = (n: string) => s.getPropertyValue(n).trim();
  return { text: v('--text-secondary'), grid: v('--chart-grid'), axis: v('--border'), bg: v('--bg') };
}

// Bumps when the theme changes, so canvas charts (colours baked in) can redraw.
export function useThemeVersion(): number {
  const [v, setV] = useState(0);
  useEffect(() => {
    const on = () => setV((x) => x + 1);
    window.addEventListener('mlflow-theme', on);
    return () => window.removeEventListener('mlflow-theme', on);
  }, []);
  return v;
}
