import type { Signature } from '../api/types.js'
import { formatNumber } from './format.js'

/** A model's inputs (type, nullability, categories, declared range) and output. */
export function SignatureTable({ signature }: { signature: Signature }) {
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <table className="data" data-testid="signature">
        <thead>
          <tr>
            <th>Input</th>
            <th>Type</th>
            <th>Missing allowed</th>
            <th>Allowed values</th>
          </tr>
        </thead>
        <tbody>
          {signature.inputs.map((i) => (
            <tr key={i.name}>
              <td className="mono">
                {i.name}
                {i.description ? <div className="faint small">{i.description}</div> : null}
              </td>
              <td>{i.type}</td>
              <td>{i.nullable ? 'yes' : 'no'}</td>
              <td className="wrap">
                {i.categories?.length
                  ? i.categories.join(', ')
                  : i.min !== undefined || i.max !== undefined
                    ? `${i.min !== undefined ? formatNumber(i.min) : '−∞'} … ${i.max !== undefined ? formatNumber(i.max) : '∞'}`
                    : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="small muted">
        Output: <span className="mono">{signature.output.name}</span> ({signature.output.task}
        {signature.output.classes?.length ? `: ${signature.output.classes.join(', ')}` : ''})
      </div>
    </div>
  )
}
