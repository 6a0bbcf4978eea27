import { useEffect, useRef } from 'react'

/**
 * Renders an Apache ECharts option into the returned ref's element, in the browser only (the
 * library is loaded on first use; the server sends the fallback table beside it). The option is
 * plain data, compared by value, so a re-render with the same figures does not redraw. `null`:
 * nothing to draw. The element gets `data-rendered="true"` once the chart is drawn.
 */
export function useEChart(option: Record<string, unknown> | null) {
  const ref = useRef<HTMLDivElement>(null)
  const serialized = option ? JSON.stringify(option) : ''
  useEffect(() => {
    if (!ref.current || !serialized) return
    let disposed = false
    let chart: { dispose: () => void; resize: () => void } | undefined
    void import('echarts').then((echarts) => {
      if (disposed || !ref.current) return
      const instance = echarts.init(ref.current)
      chart = instance
      instance.setOption({ animation: false, ...(JSON.parse(serialized) as Record<string, unknown>) })
      ref.current.dataset.rendered = 'true'
    })
    const onResize = () => chart?.resize()
    window.addEventListener('resize', onResize)
    return () => {
      disposed = true
      window.removeEventListener('resize', onResize)
      chart?.dispose()
    }
  }, [serialized])
  return ref
}
