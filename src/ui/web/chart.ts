import uPlot from 'uplot';
import { SERIES, type Sample } from './chart-series.js';

const clock = (unixSeconds: number): string =>
  new Date(unixSeconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export interface TimelineChart {
  update(samples: readonly Sample[]): void;
  destroy(): void;
}

/** A uPlot line chart of queue depth, running runs and worker replicas over time; follows its box's width. */
export function timelineChart(parent: HTMLElement): TimelineChart {
  const height = () => (parent.clientWidth < 500 ? 200 : 260);
  const data = (samples: readonly Sample[]): uPlot.AlignedData => [
    samples.map((s) => s.t),
    samples.map((s) => s.queueDepth),
    samples.map((s) => s.running),
    samples.map((s) => s.replicas),
  ];
  const plot = new uPlot(
    {
      width: Math.max(parent.clientWidth, 280),
      height: height(),
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      legend: { live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] } },
      axes: [
        {
          stroke: '#4b5563',
          grid: { stroke: '#eef0f3' },
          ticks: { stroke: '#d1d5db' },
          // Whole seconds and minutes only, written as clock times.
          space: 70,
          incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600],
          values: (_u, splits) => splits.map((t) => clock(t)),
        },
        {
          stroke: '#4b5563',
          grid: { stroke: '#eef0f3' },
          ticks: { stroke: '#d1d5db' },
          size: 40,
          incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
        },
      ],
      series: [
        { label: 'Time', value: (_u: uPlot, v: number | null) => (v === null ? '—' : clock(v)) },
        ...SERIES.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          width: 2,
          ...(s.fill ? { fill: s.fill } : {}),
          points: { show: false },
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : String(v)),
        })),
      ],
    },
    [[], [], [], []],
    parent,
  );
  const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(parent.clientWidth, 280), height: height() }));
  ro.observe(parent);
  return {
    update: (samples) => {
      plot.setData(data(samples));
      // Unless someone points at the chart, the legend shows the latest values.
      if ((plot.cursor.left ?? -1) < 0 && samples.length > 0) plot.setLegend({ idx: samples.length - 1 });
    },
    destroy: () => {
      ro.disconnect();
      plot.destroy();
    },
  };
}
