import {
  Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis,
} from "recharts";

export const PALETTE = ["#0b7a5a", "#2f6fb3", "#d08a1e", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#34495e"];

export interface Series {
  key: string;
  label: string;
}

type Row = Record<string, string | number>;

/** Short axis labels (`5 k`, `1,2 M`); tooltips keep the full formatted value. */
export function compact(value: number): string {
  return new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 }).format(value);
}

/** A time series: one line per series over `x`. */
export function TimeLines(props: { rows: Row[]; x: string; series: Series[]; format(value: number): string; testId?: string }) {
  return (
    <div className="chart" data-testid={props.testId}>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={props.rows}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey={props.x} tick={{ fontSize: 11 }} minTickGap={16} />
          <YAxis tick={{ fontSize: 11 }} width={48} tickFormatter={compact} />
          <Tooltip formatter={(value) => props.format(Number(value))} />
          <Legend />
          {props.series.map((s, i) => (
            <Line key={s.key} dataKey={s.key} name={s.label} stroke={PALETTE[i % PALETTE.length]} strokeWidth={2}
              dot={false} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Bars per category (e.g. per site), one bar series per `series`. */
export function CategoryBars(props: {
  rows: Row[]; x: string; series: Series[]; format(value: number): string; testId?: string; empty: string;
}) {
  const nothing = props.rows.every((row) => props.series.every((s) => !Number(row[s.key])));
  if (nothing) return <p data-testid={props.testId}>{props.empty}</p>;
  return (
    <div className="chart" data-testid={props.testId}>
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={props.rows}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey={props.x} tick={{ fontSize: 11 }} interval={0} angle={-30} textAnchor="end" height={48} />
          <YAxis tick={{ fontSize: 11 }} width={48} tickFormatter={compact} />
          <Tooltip formatter={(value) => props.format(Number(value))} />
          {props.series.length > 1 && <Legend />}
          {props.series.map((s, i) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} fill={PALETTE[i % PALETTE.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Sums one figure over every period of each site: `{site: [{…}, …]}` → `[{site, value}]`. */
export function totalsBySite<T>(perSite: Record<string, T[]>, pick: (row: T) => number): { site: string; value: number }[] {
  return Object.entries(perSite)
    .map(([site, rows]) => ({ site, value: rows.reduce((sum, row) => sum + pick(row), 0) }))
    .sort((a, b) => b.value - a.value);
}
