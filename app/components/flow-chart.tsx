import { useEChart } from './echart'

export type FlowLink = { source: string; target: string; value: number }

/**
 * Sankey flow diagram (Apache ECharts, loaded in the browser only). `label` turns a node id
 * ("listing:…", "household:…") into display text. The table below it is the no-JS fallback
 * and the accessible version.
 */
export function FlowChart({ links, label, height = 360 }: { links: FlowLink[]; label: (node: string) => string; height?: number }) {
  const nodes = [...new Set(links.flatMap((l) => [l.source, l.target]))]
  const ref = useEChart(
    links.length === 0
      ? null
      : {
          tooltip: { trigger: 'item' },
          series: [
            {
              type: 'sankey',
              emphasis: { focus: 'adjacency' },
              nodeAlign: 'left',
              data: nodes.map((n) => ({ name: label(n) })),
              links: links.map((l) => ({ source: label(l.source), target: label(l.target), value: l.value })),
              lineStyle: { color: 'gradient', curveness: 0.5 },
            },
          ],
        },
  )
  return (
    <div>
      <div ref={ref} data-testid="flow-chart" style={{ width: '100%', height }} />
      <table className="flow-table" data-testid="flow-table">
        <tbody>
          {links.map((l) => (
            <tr key={`${l.source}→${l.target}`}>
              <td>{label(l.source)}</td>
              <td>→</td>
              <td>{label(l.target)}</td>
              <td className="num">{l.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
