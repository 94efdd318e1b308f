import type { ReactNode } from 'react'
import { useRoute } from '../router.js'
import { setTheme, useTheme } from '../theme.js'
import { Icon, type IconName } from './icons.js'

const NAV: { href: string; label: string; icon: IconName; match: string[] }[] = [
  { href: '#/', label: 'Overview', icon: 'home', match: [''] },
  {
    href: '#/experiments',
    label: 'Experiments',
    icon: 'experiments',
    match: ['experiments', 'runs', 'compare'],
  },
  { href: '#/models', label: 'Models', icon: 'models', match: ['models'] },
  { href: '#/data', label: 'Data', icon: 'data', match: ['data'] },
  { href: '#/pipelines', label: 'Pipelines', icon: 'pipelines', match: ['pipelines'] },
  { href: '#/monitoring', label: 'Monitoring', icon: 'monitoring', match: ['monitoring'] },
  { href: '#/playground', label: 'Playground', icon: 'playground', match: ['playground'] },
]

export function Layout({ children }: { children: ReactNode }) {
  const route = useRoute()
  const theme = useTheme()
  const section = route.segments[0] ?? ''
  return (
    <div className="app">
      <button type="button" className="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <nav className="sidebar" aria-label="Sections">
        <a className="brand" href="#/">
          <img src="./favicon.svg" width={24} height={24} alt="" />
          Cairn
        </a>
        {NAV.map((n) => (
          <a
            key={n.href}
            className="nav-link"
            href={n.href}
            aria-current={n.match.includes(section) ? 'page' : undefined}
          >
            <Icon name={n.icon} />
            {n.label}
          </a>
        ))}
        <div className="sidebar-foot">
          <button
            type="button"
            className="ghost small"
            onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
            data-testid="theme-toggle"
          >
            <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
            {theme === 'dark' ? 'Light theme' : 'Dark theme'}
          </button>
          <a href="./docs" target="_blank" rel="noreferrer" className="nav-link small">
            <Icon name="external" size={14} /> API docs
          </a>
        </div>
      </nav>
      <main className="main" id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  )
}

/** The top of a page: breadcrumbs, a title, a subtitle line and actions on the right. */
export function PageHead({
  crumbs,
  title,
  subtitle,
  actions,
}: {
  crumbs?: { href?: string; label: string }[]
  title: ReactNode
  subtitle?: ReactNode
  actions?: ReactNode
}) {
  return (
    <div className="page-head">
      <div className="title">
        {crumbs?.length ? (
          <nav className="crumbs" aria-label="Breadcrumbs">
            {crumbs.map((c, i) => (
              <span key={c.href ?? c.label}>
                {c.href ? <a href={c.href}>{c.label}</a> : c.label}
                {i < crumbs.length - 1 ? ' /' : ''}
              </span>
            ))}
          </nav>
        ) : null}
        <h1>{title}</h1>
        {subtitle ? <div className="subtitle">{subtitle}</div> : null}
      </div>
      {actions ? <div className="row">{actions}</div> : null}
    </div>
  )
}
