import type { KeyboardEvent } from 'react'

export interface TabItem {
  id: string
  label: string
  count?: number | undefined
}

/** Tabs (arrow keys move between them); the selected one usually lives in the URL. */
export function Tabs({
  items,
  selected,
  onSelect,
}: {
  items: TabItem[]
  selected: string
  onSelect(id: string): void
}) {
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return
    const i = items.findIndex((t) => t.id === selected)
    const next = items[(i + (e.key === 'ArrowRight' ? 1 : items.length - 1)) % items.length]
    const container = e.currentTarget
    if (next) {
      onSelect(next.id)
      requestAnimationFrame(() =>
        (container.querySelector(`[data-tab="${next.id}"]`) as HTMLElement | null)?.focus(),
      )
    }
  }
  return (
    <div className="tabs" role="tablist" onKeyDown={onKey}>
      {items.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          data-tab={t.id}
          aria-selected={t.id === selected}
          tabIndex={t.id === selected ? 0 : -1}
          onClick={() => onSelect(t.id)}
        >
          {t.label}
          {t.count !== undefined ? <span className="count">{t.count}</span> : null}
        </button>
      ))}
    </div>
  )
}
