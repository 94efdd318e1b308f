import type { ColumnProfile } from '../../api/types.js'
import { BarList, Histogram } from '../../charts/histogram.js'
import { formatNumber, formatPercent } from '../../components/format.js'

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div style={{ display: 'flex', flexDirection: 'column' }}>
      <span className="faint small">{label}</span>
      <span className="mono">{value}</span>
    </div>
  )
}

/** One column's profile: counts, missing share, and a histogram or the top values. */
export function ColumnProfileCard({ p }: { p: ColumnProfile }) {
  return (
    <div className="panel" data-testid="column-profile" data-column={p.name}>
      <div className="panel-head">
        <strong className="mono">{p.name}</strong>
        <span className="badge outline">{p.type}</span>
        <span className="spacer" />
        <span className={`small ${p.missingFraction > 0 ? 'muted' : 'faint'}`}>
          {formatPercent(p.missingFraction)} missing
        </span>
      </div>
      <div className="panel-body" style={{ display: 'grid', gap: 10 }}>
        <div className="row" style={{ gap: 18 }}>
          <Stat label="values" value={formatNumber(p.count)} />
          <Stat label="distinct" value={formatNumber(p.distinct)} />
          {p.kind === 'numeric' ? (
            <>
              <Stat label="mean" value={formatNumber(p.mean)} />
              <Stat label="std" value={formatNumber(p.std)} />
              <Stat label="min" value={formatNumber(p.min)} />
              <Stat label="median" value={formatNumber(p.quantiles.p50 ?? null)} />
              <Stat label="max" value={formatNumber(p.max)} />
            </>
          ) : null}
          {p.kind === 'datetime' ? (
            <>
              <Stat label="from" value={p.minIso.slice(0, 19)} />
              <Stat label="to" value={p.maxIso.slice(0, 19)} />
            </>
          ) : null}
          {p.kind === 'text' ? (
            <>
              <Stat label="mean length" value={formatNumber(p.length.mean)} />
              <Stat label="blank" value={formatNumber(p.blank)} />
            </>
          ) : null}
        </div>
        {p.kind === 'numeric' || p.kind === 'datetime' ? (
          <Histogram
            edges={p.histogram.edges}
            series={[{ label: p.name, color: 'var(--accent)', values: p.histogram.counts }]}
            width={300}
            height={120}
            title={`Histogram of ${p.name}`}
          />
        ) : null}
        {p.kind === 'categorical' ? (
          <BarList
            items={[
              ...p.topK.map((t) => ({ label: t.value, value: t.count })),
              ...(p.otherCount > 0 ? [{ label: '(other)', value: p.otherCount }] : []),
            ]}
            total={p.count}
          />
        ) : null}
      </div>
    </div>
  )
}
