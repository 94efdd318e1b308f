import { type ReactNode, useEffect, useId, useRef } from 'react'

/**
 * A modal (the native <dialog>: focus stays inside, Escape closes it) with a title, a body and
 * actions. Focus returns to where it was when the dialog closes.
 */
export function Dialog({
  title,
  children,
  actions,
  onClose,
}: {
  title: string
  children: ReactNode
  actions: ReactNode
  onClose(): void
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const id = useId()
  const closeRef = useRef(onClose)
  closeRef.current = onClose
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const previous = document.activeElement as HTMLElement | null
    if (!dialog.open) dialog.showModal()
    dialog.querySelector<HTMLElement>('input, select, textarea')?.focus()
    const onCancel = (e: Event) => {
      e.preventDefault()
      closeRef.current()
    }
    const onClick = (e: MouseEvent) => {
      if (e.target === dialog) closeRef.current()
    }
    dialog.addEventListener('cancel', onCancel)
    dialog.addEventListener('click', onClick)
    return () => {
      dialog.removeEventListener('cancel', onCancel)
      dialog.removeEventListener('click', onClick)
      if (dialog.open) dialog.close()
      previous?.focus()
    }
  }, [])
  return (
    <dialog className="dialog" aria-labelledby={id} ref={ref}>
      <header>
        <h2 id={id}>{title}</h2>
      </header>
      <div className="body">{children}</div>
      <footer>{actions}</footer>
    </dialog>
  )
}
