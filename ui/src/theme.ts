import { useSyncExternalStore } from 'react'

export type Theme = 'light' | 'dark'

const listeners = new Set<() => void>()

export function currentTheme(): Theme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light'
}

export function setTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme
  try {
    localStorage.setItem('cairn.theme', theme)
  } catch {}
  for (const l of listeners) l()
}

/** The theme; components that draw with colours (charts) re-render when it changes. */
export function useTheme(): Theme {
  return useSyncExternalStore((l) => {
    listeners.add(l)
    return () => listeners.delete(l)
  }, currentTheme)
}

/** A CSS variable's value (charts draw on canvas and need real colours). */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim()
}

/** Series colours that read on both themes. */
export const PALETTE = [
  '#1f6feb',
  '#e5534b',
  '#2da44e',
  '#bf8700',
  '#8250df',
  '#0598bc',
  '#d2691e',
  '#db61a2',
  '#57606a',
  '#1b7c83',
]

export function colorAt(i: number): string {
  return PALETTE[i % PALETTE.length] as string
}
